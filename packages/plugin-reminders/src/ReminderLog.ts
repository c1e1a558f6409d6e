import type { ReminderRecord } from './ReminderRecord.js';

/**
 * Where the reminders plugin keeps what happened to every reminder, queryable per journey. Must be
 * durable for what it acknowledged and idempotent: appending a record whose `id` is stored keeps
 * the first. `MemoryReminderLog` is for tests; `SqliteReminderLog`
 * (`@carejourney/plugin-reminders/sqlite`) keeps the record beside a `SqliteStore`.
 *
 * @example
 * ```ts
 * // A log in the host's own database: idempotent on the record id.
 * const log: ReminderLog = {
 *   append: async (record) => {
 *     const checked = parseReminderRecord(record);
 *     await db.query('INSERT INTO reminder_log (id, journey_id, delivery_id, record) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
 *       [checked.id, checked.journeyId, checked.deliveryId, JSON.stringify(checked)]);
 *   },
 *   list: async (journeyId, filter) => {
 *     const { rows } = await db.query('SELECT record FROM reminder_log WHERE journey_id = $1 ORDER BY seq', [journeyId]);
 *     const records: ReminderRecord[] = rows.map((r: { record: string }) => parseReminderRecord(JSON.parse(r.record)));
 *     return filter?.deliveryId === undefined ? records : records.filter((r) => r.deliveryId === filter.deliveryId);
 *   },
 * };
 * ```
 */
export interface ReminderLog {
  /** Stores a record; a record with a stored `id` is ignored. */
  append(record: ReminderRecord): Promise<void>;
  /** One journey's records in the order they were appended, optionally only one reminder's. */
  list(journeyId: string, filter?: { readonly deliveryId?: string }): Promise<ReminderRecord[]>;
  /** Releases resources. Optional. */
  close?(): Promise<void>;
}
