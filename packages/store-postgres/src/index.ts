/**
 * A store for carejourney on PostgreSQL, for several engine processes over one database: one
 * statement per commit with an optimistic-concurrency check, timers and outbox items claimed with
 * `FOR UPDATE SKIP LOCKED` and a lease, and a worker loop that fires due timers and redelivers
 * what a dead process left undelivered.
 *
 * @example
 * ```ts
 * import { createEngine, ketamineAnxietyJourney } from '@carejourney/core';
 * import { PostgresStore, runWorker } from '@carejourney/store-postgres';
 *
 * const store = await PostgresStore.open({ connectionString: 'postgres://app@db.clinic.internal:5432/clinic' });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true } });
 * const stop = new AbortController();
 * const worker = runWorker({ engine, store, signal: stop.signal }); // one per server process
 * process.once('SIGTERM', () => stop.abort());
 * await worker;
 * await store.close();
 * ```
 *
 * @module @carejourney/store-postgres
 */
// The public contract of @carejourney/store-postgres: named exports only.
export { PostgresStore } from './PostgresStore.js';
export type { PostgresStoreOptions, TimerSubscription } from './PostgresStore.js';
export { runWorker } from './runWorker.js';
export type { WorkerEngine, WorkerOptions, WorkerPass, WorkerSummary } from './runWorker.js';
export { SCHEMA_VERSION, SCHEMA_VERSION_TABLE } from './migrateSchema.js';
