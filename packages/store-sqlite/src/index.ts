/**
 * A durable, embedded store for carejourney on SQLite (better-sqlite3, WAL): one transaction per
 * commit, crash-safe, several processes on one file.
 *
 * @example
 * ```ts
 * import { createEngine, ketamineAnxietyJourney } from '@carejourney/core';
 * import { SqliteStore } from '@carejourney/store-sqlite';
 *
 * const store = new SqliteStore({ path: 'journeys.db' });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true } });
 * await engine.recover(); // redeliver what a crash left undelivered
 * ```
 *
 * @module @carejourney/store-sqlite
 */
// The public contract of @carejourney/store-sqlite: named exports only.
export { SqliteStore } from './SqliteStore.js';
export type { SqliteStoreOptions } from './SqliteStore.js';
export { SCHEMA_VERSION, SCHEMA_VERSION_TABLE } from './migrateSchema.js';
