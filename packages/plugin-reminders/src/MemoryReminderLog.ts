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
  /** Per journey, each reminder's records (a reminder is looked up every time it comes due). */
  readonly #byDelivery = new Map<string, string[]>();
  readonly #ids = new Set<string>();

  /**
   * Creates an empty log. It keeps its records as long as the object lives: share one between
   * the plugin and the code that reads what happened to each reminder.
   *
   * @example
   * ```ts
   * const log = new MemoryReminderLog();
   * const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock, protocol, plugins: [remindersPlugin({ deliver, log })] });
   * ```
   */
  constructor() {}

  /**
   * Stores a copy of a record after checking it (`CJ_ERR_INVALID_INPUT` names each bad field). A
   * record whose `id` is stored is ignored: the first one stays. The plugin calls it; hosts
   * rarely do.
   *
   * @example
   * ```ts
   * for (const record of await oldLog.list(journeyId)) await log.append(record); // copy a journey's record
   * ```
   */
  async append(record: ReminderRecord): Promise<void> {
    const parsed = parseReminderRecord(record);
    if (this.#ids.has(parsed.id)) return;
    this.#ids.add(parsed.id);
    const list = this.#byJourney.get(parsed.journeyId) ?? [];
    const text = JSON.stringify(parsed);
    list.push(text);
    this.#byJourney.set(parsed.journeyId, list);
    const key = `${parsed.journeyId}\u0000${parsed.deliveryId}`;
    const ofDelivery = this.#byDelivery.get(key) ?? [];
    ofDelivery.push(text);
    this.#byDelivery.set(key, ofDelivery);
  }

  /**
   * One journey's records in the order they were appended (copies: changing them changes nothing
   * stored), or only one reminder's with `deliveryId`. An unknown journey has none.
   *
   * @example
   * ```ts
   * const all = await log.list(journeyId);
   * const oneReminder = await log.list(journeyId, { deliveryId: message.deliveryId }); // the one `deliver` got: its attempts and outcome
   * ```
   */
  async list(journeyId: string, filter: { readonly deliveryId?: string } = {}): Promise<ReminderRecord[]> {
    const texts = filter.deliveryId === undefined ? this.#byJourney.get(journeyId) : this.#byDelivery.get(`${journeyId}\u0000${filter.deliveryId}`);
    return (texts ?? []).map((text) => JSON.parse(text) as ReminderRecord);
  }
}
