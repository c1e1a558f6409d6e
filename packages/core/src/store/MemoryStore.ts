import type { FieldIssue } from '../errors.js';
import { checkStoreArguments, storeArgumentsError } from './checkStoreArguments.js';
import { assertCommitShape, conflictError } from './conflict.js';
import { byDue, DueTimerIndex } from './DueTimerIndex.js';
import { byCodePoint } from './byCodePoint.js';
import type { JourneyCommit, JourneyQuery, JourneyStore, JourneySummary } from './JourneyStore.js';
import { FrozenCopies } from './FrozenCopies.js';
import { matchesQuery } from './matchesQuery.js';
import type { ProtocolRecord } from './protocolRecord.js';
import type { JournalEntry, JourneyRecord, OutboxItem, TimerRow } from './records.js';

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

interface JourneyData {
  record: JourneyRecord;
  /** The record without its snapshot, for queries (which never copy snapshots). */
  summary: JourneySummary;
  version: number;
  /** Append-only, in seq order. */
  journal: JournalEntry[];
  timers: Map<string, TimerRow>;
  idempotency: Map<string, number>;
}

/**
 * An in-process store for tests and examples. A commit is copied in, as a JSON round trip would
 * copy it (so the store holds exactly what a durable store would), and frozen: what it hands out
 * is what it holds, which nobody can change, and callers can never change stored data by
 * mutating what they passed. Parts of a commit that are unchanged since the last one it copied
 * (frozen values it made or copied before) are shared, not copied again. Pending timers are indexed by due
 * time, so `dueTimers` costs what is due, not what is pending. Not durable across processes.
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
  readonly #outbox = new Map<string, { item: OutboxItem; journeyId: string; delivered: boolean }>();
  /** Every pending timer of every journey, by due time: `dueTimers` reads only what is due. */
  readonly #due = new DueTimerIndex();
  /** Protocols by ref, each stored once by the first commit that brought it. */
  readonly #protocols = new Map<string, ProtocolRecord>();
  readonly #copies = new FrozenCopies();

  /**
   * Creates an empty store. It holds its journeys as long as the object lives: a new
   * `MemoryStore` starts with none.
   *
   * @example
   * ```ts
   * const store = new MemoryStore();
   * const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock: new ManualClock('2026-03-02T08:00:00Z'), protocol });
   * ```
   */
  constructor() {}

  /**
   * The journey's record as stored (frozen), or `undefined` when no journey has the id. The engine calls it
   * (`get`, `send`, each due timer) and checks and migrates what it returns; hosts read a journey
   * through `engine.get`. A journey id that is not non-empty, well-formed text throws
   * `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const view = await engine.get(journeyId); // loads the record from the store, then migrates and checks it
   * ```
   */
  async load(journeyId: string): Promise<JourneyRecord | undefined> {
    const args = checkStoreArguments('MemoryStore', 'load', { journeyId });
    const data = this.#journeys.get(args.journeyId);
    return data?.record;
  }

  /**
   * Applies a commit all or nothing, copying it in: the record, the journal entry, the idempotency
   * key, the timers to set and cancel, the outbox items, the protocols it brings (each kept unless
   * its ref is stored already). Throws `CJ_ERR_CONFLICT` and changes
   * nothing when `expectedVersion` is not the stored version (`0` for a new journey), the
   * idempotency key was used on the journey, or an outbox id is stored already; a commit of the
   * wrong shape, or whose snapshot or payloads are not JSON, throws `CJ_ERR_INVALID_INPUT`. The
   * engine calls it once per journey started, event applied and timer fired, and retries on a
   * conflict; hosts never call it.
   *
   * @example
   * ```ts
   * // One commit to the store per applied event:
   * const r = await engine.send(journeyId, { type: 'referral.accepted' }, { actor: { id: 'u7', role: 'physician' } });
   * ```
   */
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
    // Copy everything before touching state, so a value that cannot be stored changes nothing.
    // The checked commit's fields are plain; only the snapshot and payloads can fail to copy.
    const copy = <T>(value: T): T => this.#copies.copy(value);
    const record = serialized([['commit.journey.snapshot', c.journey.snapshot]], () => copy(c.journey));
    const given = c.entry;
    const entry = given ? serialized([['commit.entry.payload', given.payload]], () => copy(given)) : undefined;
    const timers = c.timersToSet.map((t, i) =>
      serialized(
        [
          [`commit.timersToSet[${i}].event`, t.event],
          [`commit.timersToSet[${i}].payload`, t.payload],
        ],
        () => copy(t),
      ),
    );
    // A transition's outbox item carries the journal entry: it shares the entry's copy.
    const outbox = c.outbox.map((item, i) => {
      const stored =
        entry !== undefined && item.payload === given
          ? Object.freeze({ ...copy({ ...item, payload: null }), payload: entry })
          : serialized([[`commit.outbox[${i}].payload`, item.payload]], () => copy(item));
      return { id: item.id, item: stored, journeyId: item.journeyId, delivered: false };
    });
    // Every protocol must be JSON, stored already or not: a refusal never depends on what is held.
    const protocols = (c.protocols ?? []).map((p, i) => serialized([[`commit.protocols[${i}].protocol`, p.protocol]], () => copy(p)));
    const { snapshot: _snapshot, ...rest } = record;
    const summary = Object.freeze(rest);
    const data: JourneyData = existing ?? { record, summary, version: 0, journal: [], timers: new Map(), idempotency: new Map() };
    data.record = record;
    data.summary = summary;
    data.version = c.journey.version;
    if (entry) {
      data.journal.push(entry);
      if (c.idempotencyKey !== undefined) data.idempotency.set(c.idempotencyKey, entry.seq);
    }
    for (const key of c.timersToCancel) this.#unsetTimer(data, key);
    for (const timer of timers) {
      this.#unsetTimer(data, timer.key);
      data.timers.set(timer.key, timer);
      this.#due.add(timer);
    }
    for (const { id: itemId, ...slot } of outbox) this.#outbox.set(itemId, slot);
    // The first of one ref in a commit wins, as against a stored one.
    for (const p of protocols) if (!this.#protocols.has(p.ref)) this.#protocols.set(p.ref, p);
    this.#journeys.set(id, data);
  }

  #unsetTimer(data: JourneyData, key: string): void {
    const old = data.timers.get(key);
    if (!old) return;
    data.timers.delete(key);
    this.#due.remove(old);
  }

  /**
   * The `seq` of the journal entry an idempotency key produced on this journey, or `undefined`
   * when the key is unused. The engine calls it when `send` is given an `idempotencyKey`, to answer
   * a retry with the first result instead of applying the event again. A journey id or key that is
   * not non-empty, well-formed text throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const r = await engine.send(journeyId, event, { actor, idempotencyKey: `req-${requestId}` });
   * if (r.ok && r.duplicate) console.log('already applied as entry', r.entry.seq); // the store knew the key
   * ```
   */
  async findIdempotencyKey(journeyId: string, key: string): Promise<number | undefined> {
    const args = checkStoreArguments('MemoryStore', 'findIdempotencyKey', { journeyId, key });
    return this.#journeys.get(args.journeyId)?.idempotency.get(args.key);
  }

  /**
   * One journey's journal entries (frozen) in `seq` order, from `options.fromSeq` on (default 1),
   * at most `options.limit`; none for an unknown journey. The engine calls it for `history` and to
   * answer an idempotent retry; hosts read a journey's history through `engine.history`. A bad
   * journey id or option throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const entries = await engine.history(journeyId); // the store's journal, each entry checked
   * ```
   */
  async readJournal(journeyId: string, options?: { fromSeq?: number; limit?: number }): Promise<JournalEntry[]> {
    const args = checkStoreArguments('MemoryStore', 'readJournal', { journeyId, options });
    const fromSeq = args.options?.fromSeq ?? 1;
    const limit = args.options?.limit;
    const journal = this.#journeys.get(args.journeyId)?.journal ?? [];
    const from = journal.filter((e) => e.seq >= fromSeq);
    return limit === undefined ? from : from.slice(0, limit);
  }

  /**
   * One journey's pending timers (frozen), earliest due first; none for an unknown journey. The
   * engine reads them when it loads a journey; a host may read them too, e.g. to show what falls
   * due when. A journey id that is not non-empty, well-formed text throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * for (const timer of await store.listTimers(journeyId)) console.log(timer.key, new Date(timer.dueAt).toISOString());
   * ```
   */
  async listTimers(journeyId: string): Promise<TimerRow[]> {
    const args = checkStoreArguments('MemoryStore', 'listTimers', { journeyId });
    const timers = [...(this.#journeys.get(args.journeyId)?.timers.values() ?? [])];
    return timers.sort(byDue);
  }

  /**
   * The pending timers of every journey due at or before `now` (epoch ms), earliest first, at most
   * `limit`, frozen; reading them fires nothing. It costs what is due, not what is pending. The
   * engine calls it from `runDue` and fires each timer in a commit of its own; hosts call
   * `engine.runDue`. A `now` that is not a number, or a `limit` that is not a whole number from 0,
   * throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * clock.advance({ days: 1 });
   * const fired = await engine.runDue(); // asks the store for the timers due by the clock's time
   * ```
   */
  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    ({ now, limit } = checkStoreArguments('MemoryStore', 'dueTimers', { now, limit }));
    return this.#due.due(now, limit);
  }

  /**
   * Outbox items not yet marked delivered (frozen), oldest first, at most `limit`; only one
   * journey's with `journeyId`. The engine calls it from `recover`, to deliver again what was not
   * marked delivered; hosts call `engine.recover`. A `limit` that is not a whole number from 0, or a
   * bad journey id, throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const redelivered = await engine.recover({ journeyId }); // delivers this journey's pending items again
   * ```
   */
  async pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]> {
    ({ limit, journeyId } = checkStoreArguments('MemoryStore', 'pendingOutbox', { limit, journeyId }));
    const pending: OutboxItem[] = [];
    for (const slot of this.#outbox.values()) {
      if (pending.length >= limit) break;
      if (slot.delivered || (journeyId !== undefined && slot.journeyId !== journeyId)) continue;
      pending.push(slot.item);
    }
    return pending;
  }

  /**
   * Marks outbox items delivered, so `pendingOutbox` no longer returns them; unknown ids are
   * ignored. The engine calls it once listeners and plugins have had a commit's items; hosts never
   * call it. Ids that are not an array of non-empty, well-formed text throw `CJ_ERR_INVALID_INPUT`,
   * and nothing is marked.
   *
   * @example
   * ```ts
   * // The engine delivers each commit's outbox items, then marks them; a failure to mark is reported:
   * engine.on('delivery.failed', ({ deliveryIds, code }) => console.warn(code, deliveryIds, 'left for recover()'));
   * ```
   */
  async markDelivered(ids: readonly string[]): Promise<void> {
    ({ ids } = checkStoreArguments('MemoryStore', 'markDelivered', { ids }));
    for (const id of ids) {
      const slot = this.#outbox.get(id);
      if (slot) slot.delivered = true;
    }
  }

  /**
   * The protocol a commit stored under `ref` (frozen), or `undefined`. The engine calls it when it
   * loads a journey whose snapshot refers to a protocol it has not read yet, and checks what it
   * gets against the ref. A ref that is not non-empty, well-formed text throws
   * `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const start = (await engine.history(journeyId))[0]!;
   * const { protocol } = (await store.loadProtocol(start.payload['protocolRef'] as string))!;
   * ```
   */
  async loadProtocol(ref: string): Promise<ProtocolRecord | undefined> {
    const args = checkStoreArguments('MemoryStore', 'loadProtocol', { ref });
    const stored = this.#protocols.get(args.ref);
    return stored;
  }

  /**
   * Summaries (records without snapshots, frozen) of the journeys matching every field given,
   * ordered by id, at most `filter.limit`; `after` pages on from an id. `engine.query` checks the
   * filter against the definition, then calls it; a host may call it directly too. A filter with an
   * unknown field or a bad value throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const onHold = await store.query({ phase: 'on-hold', status: 'active', limit: 50 });
   * onHold.map((j) => j.patientRef);
   * ```
   */
  async query(filter: JourneyQuery): Promise<JourneySummary[]> {
    filter = checkStoreArguments('MemoryStore', 'query', { filter }).filter as JourneyQuery;
    const matches = [...this.#journeys.values()]
      .filter((d) => matchesQuery(d.record, filter))
      .map((d) => d.summary)
      .sort((a, b) => byCodePoint(a.id, b.id));
    return filter.limit === undefined ? matches : matches.slice(0, filter.limit);
  }
}
