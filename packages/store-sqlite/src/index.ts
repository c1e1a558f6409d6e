// The public contract of @carejourney/store-sqlite: named exports only.
export { SqliteStore } from './SqliteStore.js';
export type { SqliteStoreOptions } from './SqliteStore.js';
export { SCHEMA_VERSION, SCHEMA_VERSION_TABLE } from './migrateSchema.js';
