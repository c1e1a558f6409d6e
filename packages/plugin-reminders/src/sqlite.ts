/**
 * The durable reminder log on SQLite (needs better-sqlite3): a separate entry point, so hosts
 * that keep the log elsewhere do not load a native module.
 *
 * @example
 * ```ts
 * import { createEngine, ketamineAnxietyJourney } from '@carejourney/core';
 * import { SqliteStore } from '@carejourney/store-sqlite';
 * import { remindersPlugin } from '@carejourney/plugin-reminders';
 * import { SqliteReminderLog } from '@carejourney/plugin-reminders/sqlite';
 *
 * const store = new SqliteStore({ path: 'clinic.db' });
 * const reminders = remindersPlugin({ deliver, log: new SqliteReminderLog({ path: 'clinic.db' }) });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol, plugins: [reminders] });
 * ```
 *
 * @module @carejourney/plugin-reminders/sqlite
 */
// @carejourney/plugin-reminders/sqlite: the durable reminder log (needs better-sqlite3).
export { SqliteReminderLog } from './SqliteReminderLog.js';
export type { SqliteReminderLogOptions } from './SqliteReminderLog.js';
