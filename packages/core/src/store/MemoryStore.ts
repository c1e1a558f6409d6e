import type { FieldIssue } from '../errors.js';
import { checkStoreArguments, storeArgumentsError } from './checkStoreArguments.js';
import { assertCommitShape, conflictError } from './conflict.js';
import type { JourneyCommit, JourneyQuery, JourneyStore, JourneySummary } from './JourneyStore.js';
import { matchesQuery } from './matchesQuery.js';
import type { JournalEntry, JourneyRecord, OutboxItem, TimerRow } from './records.js';

/** Stored values are JSON by contract, and a JSON round trip copies them faster than structuredClone. */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** JSON text, as a durable store would keep it: serialized once on commit, parsed on read. */
type Json<T> = string & { readonly __json: T };
const freeze = <T>(value: T): Json<T> => JSON.stringify(value) as Json<T>;
const thaw = <T>(text: Json<T>): T => JSON.parse(text) as T;

const NOT_JSON = 'must be JSON: JSON.stringify threw (a BigInt, a cycle, or a getter or proxy that throws)';

/**
 * Serializes one part of a commit. What does not serialize is refused, naming the first of its
 * JSON values (`[path, value]`) that does not; everything else in a checked commit is plain.
 */
function serialized<T>(values: readonly (readonly [string, unknown])[], serialize: () => T): T {
  try {
    return serialize();
  } catch {
    const failing = values.find(([, value]) => {
      try {
        JSON.stringify(value);
        return false;
      } catch {
        return true;
      }
    });
    const issues: FieldIssue[] = [{ path: failing?.[0] ?? 'commit', rule: 'json', message: NOT_JSON }];
    throw storeArgumentsError('MemoryStore', 'commit', issues);
  }
}

/** Code-unit order, as SQLite's binary collation sorts ASCII keys (localeCompare would not). */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface JourneyData {
  record: Json<JourneyRecord>;
  version: number;
  /** Append-only, in seq order; the seq is kept beside the text so pages are cut before parsing. */
  journal: { seq: number; entry: Json<JournalEntry> }[];
  timers: Map<string, TimerRow>;
  idempotency: Map<string, number>;
}

/**
 * An in-process store for tests and examples. Values are copied in and out, so callers can never
 * change stored data by mutating what they passed or got back. Not durable across processes.
 * Every method checks its arguments first: a bad one throws `CJ_ERR_INVALID_INPUT` naming it,
 * and changes nothing.
 *
 * @example
 * ```ts
 * const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock() });
 * ```
 */
export class MemoryStore implements JourneyStore {
  readonly #journeys = new Map<string, JourneyData>();
  readonly #outbox = new Map<string, { item: Json<OutboxItem>; journeyId: string; delivered: boolean }>();

  async load(journeyId: string): Promise<JourneyRecord | undefined> {
    const args = checkStoreArguments('MemoryStore', 'load', { journeyId });
    const data = this.#journeys.get(args.journeyId);
    return data ? thaw(data.record) : undefined;
  }

  async commit(commit: JourneyCommit): Promise<void> {
    const c = assertCommitShape(commit, 'MemoryStore');
    const id = c.journey.id;
    const existing = this.#journeys.get(id);
    const actual = existing?.version ?? 0;
    if (actual !== c.expectedVersion) throw conflictError(id, c.expectedVersion, existing?.version);
    if (c.idempotencyKey !== undefined && existing?.idempotency.has(c.idempotencyKey)) {
      throw conflictError(id, c.expectedVersion, actual, { idempotencyKey: c.idempotencyKey });
    }
    for (const item of c.outbox) {
      if (this.#outbox.has(item.id)) throw conflictError(id, c.expectedVersion, actual, { outboxId: item.id });
    }
    // Serialize everything before touching state, so a value that cannot be stored changes nothing.
    // The checked commit's fields are plain; only the snapshot and payloads can fail to serialize.
    const record = serialized([['commit.journey.snapshot', c.journey.snapshot]], () => freeze(c.journey));
    const given = c.entry;
    const entry = given ? serialized([['commit.entry.payload', given.payload]], () => freeze(given)) : undefined;
    const timers = c.timersToSet.map((t, i) =>
      serialized(
        [
          [`commit.timersToSet[${i}].event`, t.event],
          [`commit.timersToSet[${i}].payload`, t.payload],
        ],
        () => copy(t),
      ),
    );
    const outbox = c.outbox.map((item, i) => ({ id: item.id, item: serialized([[`commit.outbox[${i}].payload`, item.payload]], () => freeze(item)), journeyId: item.journeyId, delivered: false }));
    const data: JourneyData = existing ?? { record, version: 0, journal: [], timers: new Map(), idempotency: new Map() };
    data.record = record;
    data.version = c.journey.version;
    if (entry && c.entry) {
      data.journal.push({ seq: c.entry.seq, entry });
      if (c.idempotencyKey !== undefined) data.idempotency.set(c.idempotencyKey, c.entry.seq);
    }
    for (const key of c.timersToCancel) data.timers.delete(key);
    for (const timer of timers) data.timers.set(timer.key, timer);
    for (const { id: itemId, ...slot } of outbox) this.#outbox.set(itemId, slot);
    this.#journeys.set(id, data);
  }

  async findIdempotencyKey(journeyId: string, key: string): Promise<number | undefined> {
    const args = checkStoreArguments('MemoryStore', 'findIdempotencyKey', { journeyId, key });
    return this.#journeys.get(args.journeyId)?.idempotency.get(args.key);
  }

  async readJournal(journeyId: string, options?: { fromSeq?: number; limit?: number }): Promise<JournalEntry[]> {
    const args = checkStoreArguments('MemoryStore', 'readJournal', { journeyId, options });
    const fromSeq = args.options?.fromSeq ?? 1;
    const limit = args.options?.limit;
    const journal = this.#journeys.get(args.journeyId)?.journal ?? [];
    const from = journal.filter((e) => e.seq >= fromSeq);
    return (limit === undefined ? from : from.slice(0, limit)).map((e) => thaw(e.entry));
  }

  async listTimers(journeyId: string): Promise<TimerRow[]> {
    const args = checkStoreArguments('MemoryStore', 'listTimers', { journeyId });
    const timers = [...(this.#journeys.get(args.journeyId)?.timers.values() ?? [])];
    return copy(timers.sort((a, b) => a.dueAt - b.dueAt || byText(a.key, b.key)));
  }

  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    ({ now, limit } = checkStoreArguments('MemoryStore', 'dueTimers', { now, limit }));
    const due: TimerRow[] = [];
    for (const data of this.#journeys.values()) for (const t of data.timers.values()) if (t.dueAt <= now) due.push(t);
    due.sort((a, b) => a.dueAt - b.dueAt || byText(a.journeyId, b.journeyId) || byText(a.key, b.key));
    return copy(due.slice(0, limit));
  }

  async pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]> {
    ({ limit, journeyId } = checkStoreArguments('MemoryStore', 'pendingOutbox', { limit, journeyId }));
    const pending: OutboxItem[] = [];
    for (const slot of this.#outbox.values()) {
      if (pending.length >= limit) break;
      if (slot.delivered || (journeyId !== undefined && slot.journeyId !== journeyId)) continue;
      pending.push(thaw(slot.item));
    }
    return pending;
  }

  async markDelivered(ids: readonly string[]): Promise<void> {
    ({ ids } = checkStoreArguments('MemoryStore', 'markDelivered', { ids }));
    for (const id of ids) {
      const slot = this.#outbox.get(id);
      if (slot) slot.delivered = true;
    }
  }

  async query(filter: JourneyQuery): Promise<JourneySummary[]> {
    filter = checkStoreArguments('MemoryStore', 'query', { filter }).filter as JourneyQuery;
    const matches = [...this.#journeys.values()]
      .map((d) => thaw(d.record))
      .filter((r) => matchesQuery(r, filter))
      .map(({ snapshot: _snapshot, ...summary }) => summary)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return filter.limit === undefined ? matches : matches.slice(0, filter.limit);
  }
}
