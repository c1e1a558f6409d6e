import type { ReminderRecord } from './ReminderRecord.js';

/**
 * Where the reminders plugin keeps what happened to every reminder, queryable per journey. Must be
 * durable for what it acknowledged and idempotent: appending a record whose `id` is stored keeps
 * the first. `MemoryReminderLog` is for tests; `SqliteReminderLog`
 * (`@carejourney/plugin-reminders/sqlite`) keeps the record beside a `SqliteStore`.
 */
export interface ReminderLog {
  /** Stores a record; a record with a stored `id` is ignored. */
  append(record: ReminderRecord): Promise<void>;
  /** One journey's records in the order they were appended, optionally only one reminder's. */
  list(journeyId: string, filter?: { readonly deliveryId?: string }): Promise<ReminderRecord[]>;
  /** Releases resources. Optional. */
  close?(): Promise<void>;
}
