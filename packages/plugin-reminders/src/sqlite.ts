// @carejourney/plugin-reminders/sqlite: the durable reminder log (needs better-sqlite3).
export { SqliteReminderLog } from './SqliteReminderLog.js';
export type { SqliteReminderLogOptions } from './SqliteReminderLog.js';
