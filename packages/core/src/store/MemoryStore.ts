import { assertCommitShape, conflictError } from './conflict.js';
import type { JourneyCommit, JourneyQuery, JourneyStore } from './JourneyStore.js';
import { matchesQuery } from './matchesQuery.js';
import type { JournalEntry, JourneyRecord, OutboxItem, TimerRow } from './records.js';

interface JourneyData {
  record: JourneyRecord;
  journal: JournalEntry[];
  timers: Map<string, TimerRow>;
  idempotency: Map<string, number>;
}

/**
 * An in-process store for tests and examples. Values are copied in and out, so callers can never
 * change stored data by mutating what they passed or got back. Not durable across processes.
 *
 * @example
 * ```ts
 * const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock() });
 * ```
 */
export class MemoryStore implements JourneyStore {
  readonly #journeys = new Map<string, JourneyData>();
  readonly #outbox = new Map<string, { item: OutboxItem; delivered: boolean }>();

  async load(journeyId: string): Promise<JourneyRecord | undefined> {
    const data = this.#journeys.get(journeyId);
    return data ? structuredClone(data.record) : undefined;
  }

  async commit(c: JourneyCommit): Promise<void> {
    assertCommitShape(c);
    const id = c.journey.id;
    const existing = this.#journeys.get(id);
    const actual = existing?.record.version ?? 0;
    if (actual !== c.expectedVersion) throw conflictError(id, c.expectedVersion, existing?.record.version);
    if (c.idempotencyKey !== undefined && existing?.idempotency.has(c.idempotencyKey)) {
      throw conflictError(id, c.expectedVersion, actual, c.idempotencyKey);
    }
    for (const item of c.outbox) {
      if (this.#outbox.has(item.id)) throw conflictError(id, c.expectedVersion, actual);
    }
    // Validation done: from here on nothing can fail, so the commit is all or nothing.
    const data: JourneyData = existing ?? { record: c.journey, journal: [], timers: new Map(), idempotency: new Map() };
    data.record = structuredClone(c.journey);
    if (c.entry) {
      data.journal.push(structuredClone(c.entry));
      if (c.idempotencyKey !== undefined) data.idempotency.set(c.idempotencyKey, c.entry.seq);
    }
    for (const key of c.timersToCancel) data.timers.delete(key);
    for (const timer of c.timersToSet) data.timers.set(timer.key, structuredClone(timer));
    for (const item of c.outbox) this.#outbox.set(item.id, { item: structuredClone(item), delivered: false });
    this.#journeys.set(id, data);
  }

  async findIdempotencyKey(journeyId: string, key: string): Promise<number | undefined> {
    return this.#journeys.get(journeyId)?.idempotency.get(key);
  }

  async readJournal(journeyId: string, options: { fromSeq?: number; limit?: number } = {}): Promise<JournalEntry[]> {
    const journal = this.#journeys.get(journeyId)?.journal ?? [];
    const from = options.fromSeq ?? 1;
    const selected = journal.filter((e) => e.seq >= from);
    return structuredClone(options.limit === undefined ? selected : selected.slice(0, options.limit));
  }

  async listTimers(journeyId: string): Promise<TimerRow[]> {
    const timers = [...(this.#journeys.get(journeyId)?.timers.values() ?? [])];
    return structuredClone(timers.sort((a, b) => a.dueAt - b.dueAt || a.key.localeCompare(b.key)));
  }

  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    const due: TimerRow[] = [];
    for (const data of this.#journeys.values()) for (const t of data.timers.values()) if (t.dueAt <= now) due.push(t);
    due.sort((a, b) => a.dueAt - b.dueAt || a.journeyId.localeCompare(b.journeyId) || a.key.localeCompare(b.key));
    return structuredClone(due.slice(0, limit));
  }

  async pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]> {
    const pending: OutboxItem[] = [];
    for (const { item, delivered } of this.#outbox.values()) {
      if (delivered || (journeyId !== undefined && item.journeyId !== journeyId)) continue;
      pending.push(item);
      if (pending.length >= limit) break;
    }
    return structuredClone(pending);
  }

  async markDelivered(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const slot = this.#outbox.get(id);
      if (slot) slot.delivered = true;
    }
  }

  async query(filter: JourneyQuery): Promise<JourneyRecord[]> {
    const matches = [...this.#journeys.values()]
      .map((d) => d.record)
      .filter((r) => matchesQuery(r, filter))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return structuredClone(filter.limit === undefined ? matches : matches.slice(0, filter.limit));
  }
}
