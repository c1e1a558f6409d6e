import type { ProtocolRecord } from './protocolRecord.js';
import type { JournalEntry, JourneyRecord, OutboxItem, TimerRow } from './records.js';

/**
 * Everything one commit writes, atomically: the journey's new record, at most one journal entry,
 * the timers to set and cancel, the outbox items, the idempotency key of the event, and the
 * protocols its snapshot or entry refers to that the store may not hold yet.
 *
 * @example
 * ```ts
 * // What the engine hands a store for one applied event (the store writes it all or nothing):
 * await store.commit({
 *   journey: { ...record, version: record.version + 1, snapshot, state, phase, updatedAt },
 *   expectedVersion: record.version,
 *   entry,
 *   timersToSet: [],
 *   timersToCancel: [],
 *   outbox: [],
 * });
 * ```
 */
export interface JourneyCommit {
  /** The new record. Its `version` must be `expectedVersion + 1`. */
  readonly journey: JourneyRecord;
  /** The version the caller loaded; `0` creates the journey. */
  readonly expectedVersion: number;
  readonly entry?: JournalEntry;
  /** Stored with the entry's `seq`; a key already used for this journey is a conflict. */
  readonly idempotencyKey?: string;
  readonly timersToSet: readonly TimerRow[];
  /** Timer keys of this journey to delete (absent keys are ignored). */
  readonly timersToCancel: readonly string[];
  readonly outbox: readonly OutboxItem[];
  /**
   * Protocols the journey refers to by `ref` (in its snapshot or start entry). A store keeps each
   * with the commit, unless it holds that `ref` already: a ref names its content, so a stored
   * protocol is never overwritten. The engine sends a protocol with the first commit that refers
   * to it, and again whenever it cannot tell the store has it.
   */
  readonly protocols?: readonly ProtocolRecord[];
}

/**
 * A journey's record without its snapshot: what queries return, so lists never parse snapshots.
 *
 * @example
 * ```ts
 * const onHold: JourneySummary[] = await store.query({ phase: 'on-hold' });
 * onHold.map((j) => j.patientRef);
 * ```
 */
export type JourneySummary = Omit<JourneyRecord, 'snapshot'>;

/**
 * Filter for {@link JourneyStore.query}. Every field given must match.
 *
 * @example
 * ```ts
 * await engine.query({ phase: 'on-hold', limit: 50 });
 * await store.query({ state: 'care.clinical.treatment.onHold', after: lastSeenId });
 * ```
 */
export interface JourneyQuery {
  readonly patientRef?: string;
  readonly phase?: string;
  /** Journeys whose flattened state contains this dotted state path (e.g. `treatment.onHold`). */
  readonly state?: string;
  readonly status?: JourneyRecord['status'];
  readonly definitionId?: string;
  readonly limit?: number;
  /** Return journeys whose id sorts after this one (paging). */
  readonly after?: string;
}

/**
 * Where journeys live. A store must be durable for what it acknowledged, apply a commit all or
 * nothing, and refuse a commit whose `expectedVersion` is not the stored version (or whose
 * idempotency key was used) by throwing `CareJourneyError` with code `CJ_ERR_CONFLICT`.
 * Hosts may call a store directly, so a store checks its arguments before it reads or writes
 * anything: `MemoryStore` and `SqliteStore` refuse a bad one with `CJ_ERR_INVALID_INPUT` naming
 * it (`checkStoreArguments`, and `assertCommitShape` for commits, do it for a store
 * of your own). Every store passes the conformance suite in `@carejourney/core/testing`.
 *
 * @example
 * ```ts
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol });
 * // or new SqliteStore({ path: 'journeys.db' }), or a store of your own that passes
 * // describeJourneyStore from '@carejourney/core/testing'
 * ```
 */
export interface JourneyStore {
  /** The journey's record, or `undefined`. Stores return the record as stored, unvalidated. */
  load(journeyId: string): Promise<JourneyRecord | undefined>;
  /** Applies a commit atomically, or throws `CJ_ERR_CONFLICT` and changes nothing. */
  commit(commit: JourneyCommit): Promise<void>;
  /** The `seq` of the entry an idempotency key produced, or `undefined`. */
  findIdempotencyKey(journeyId: string, key: string): Promise<number | undefined>;
  /** Journal entries in `seq` order, optionally from a `seq` on. */
  readJournal(journeyId: string, options?: { fromSeq?: number; limit?: number }): Promise<JournalEntry[]>;
  /** This journey's pending timers. */
  listTimers(journeyId: string): Promise<TimerRow[]>;
  /** Timers due at or before `now`, earliest first, at most `limit`. */
  dueTimers(now: number, limit: number): Promise<TimerRow[]>;
  /** Outbox items not yet marked delivered, oldest first, at most `limit`. */
  pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]>;
  /** Marks outbox items delivered; unknown ids are ignored. */
  markDelivered(ids: readonly string[]): Promise<void>;
  /** Summaries (records without snapshots) of the journeys matching a filter, ordered by id. */
  query(filter: JourneyQuery): Promise<JourneySummary[]>;
  /** The protocol stored under `ref` by a commit, or `undefined`. Stores return it as stored, unvalidated. */
  loadProtocol(ref: string): Promise<ProtocolRecord | undefined>;
  /** Releases resources (files, connections). Optional. */
  close?(): Promise<void>;
}
