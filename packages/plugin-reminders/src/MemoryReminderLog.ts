import type { ReminderLog } from './ReminderLog.js';
import { parseReminderRecord, type ReminderRecord } from './ReminderRecord.js';

/**
 * An in-process {@link ReminderLog} for tests and examples: records are validated and copied in
 * and out. Not durable across processes.
 *
 * @example
 * ```ts
 * const log = new MemoryReminderLog();
 * const reminders = remindersPlugin({ deliver, log });
 * await log.list(journeyId); // what happened to each reminder of the journey
 * ```
 */
export class MemoryReminderLog implements ReminderLog {
  readonly #byJourney = new Map<string, string[]>();
  readonly #ids = new Set<string>();

  async append(record: ReminderRecord): Promise<void> {
    const parsed = parseReminderRecord(record);
    if (this.#ids.has(parsed.id)) return;
    this.#ids.add(parsed.id);
    const list = this.#byJourney.get(parsed.journeyId) ?? [];
    list.push(JSON.stringify(parsed));
    this.#byJourney.set(parsed.journeyId, list);
  }

  async list(journeyId: string, filter: { readonly deliveryId?: string } = {}): Promise<ReminderRecord[]> {
    const records = (this.#byJourney.get(journeyId) ?? []).map((text) => JSON.parse(text) as ReminderRecord);
    return filter.deliveryId === undefined ? records : records.filter((r) => r.deliveryId === filter.deliveryId);
  }
}
