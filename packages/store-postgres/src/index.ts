// The public contract of @carejourney/store-postgres: named exports only.
export { PostgresStore } from './PostgresStore.js';
export type { PostgresStoreOptions, TimerSubscription } from './PostgresStore.js';
export { runWorker } from './runWorker.js';
export type { WorkerEngine, WorkerOptions, WorkerPass, WorkerSummary } from './runWorker.js';
export { SCHEMA_VERSION, SCHEMA_VERSION_TABLE } from './migrateSchema.js';
