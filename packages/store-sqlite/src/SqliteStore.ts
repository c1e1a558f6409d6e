import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import {
  assertCommitShape,
  CareJourneyError,
  checkStoreArguments,
  commitTexts,
  type CommitTexts,
  conflictError,
  isCareJourneyError,
  type JournalEntry,
  type JourneyCommit,
  type JourneyQuery,
  type JourneyRecord,
  type JourneyStore,
  type JourneySummary,
  type OutboxItem,
  type ProtocolRecord,
  type TimerRow,
} from '@carejourney/core';
import { journeyQuerySql } from './journeyQuerySql.js';
import { migrateSchema } from './migrateSchema.js';
import { corruptRow, readStoredJson } from './readStoredJson.js';
import { KeptTimers } from './KeptTimers.js';
import { SnapshotTexts } from './SnapshotTexts.js';
import { STORE_SQL, type StoreStatementName } from './storeSql.js';

/**
 * How `SqliteStore` opens its database.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: 'journeys.db', synchronous: 'full', busyTimeoutMs: 5000 });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol });
 * ```
 */
export interface SqliteStoreOptions {
  /** The database file; created with its schema when missing. `':memory:'` gives a throwaway store. */
  readonly path: string;
  /**
   * SQLite's `synchronous` setting (the database runs in WAL mode).
   * - `'full'` (default): every acknowledged commit survives a process crash and a power loss.
   * - `'normal'`: faster; acknowledged commits survive a process crash, but the last ones may be
   *   lost on a power loss or an operating-system crash. The database is never corrupted either way.
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * How long a write waits for another process that holds the write lock, in ms (default 5000).
   * The wait blocks this process's event loop: better-sqlite3 is synchronous.
   */
  readonly busyTimeoutMs?: number;
  /**
   * Told about a timer or outbox row that cannot be read back (damaged or hand-edited JSON). The
   * row is skipped, left untouched and reported again on every read, so one damaged journey never
   * stops the timers and deliveries of the others. Defaults to `process.emitWarning`. The error
   * names the journey and the column, never the content.
   */
  readonly onCorruptRow?: (error: CareJourneyError) => void;
}

/** A file path: 1-4096 characters of well-formed Unicode without NUL. */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.isWellFormed() && !p.includes('\u0000'), { message: 'must be a file path (or ":memory:") without NUL or lone surrogates' });

const optionsSchema = z.strictObject({
  path: filePath,
  synchronous: z.enum(['full', 'normal']).optional(),
  busyTimeoutMs: z.int().min(0).max(2_147_483_647).optional(),
  onCorruptRow: z.custom<(error: CareJourneyError) => void>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
});

/** `pruneDelivered`'s options: the instant, as a valid Date or an ISO 8601 instant with its offset, read once. */
const pruneOptionsSchema = z.strictObject({
  deliveredBefore: z
    .union([z.date(), z.iso.datetime({ offset: true })], { error: 'must be a valid Date or an ISO 8601 instant with its offset, e.g. 2026-01-05T09:00:00Z' })
    .transform((value, ctx) => {
      const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
      if (Number.isFinite(ms)) return new Date(ms).toISOString();
      ctx.addIssue({ code: 'custom', message: 'is not an instant a Date can hold' });
      return z.NEVER;
    }),
});

/**
 * Parses an argument; whatever the value (a proxy, a getter that throws), a bad one is a
 * `CareJourneyError` with `code` naming each field (under `root`) and its rule.
 */
function parse<TSchema extends z.ZodType>(schema: TSchema, value: unknown, code: 'CJ_ERR_INVALID_CONFIG' | 'CJ_ERR_INVALID_INPUT', what: string, root: string): z.output<TSchema> {
  let issues: { path: string; rule: string; message: string }[];
  try {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    issues = parsed.error.issues.map((i) => ({ path: [root, ...i.path.map(String)].filter(Boolean).join('.') || '(root)', rule: i.code, message: i.message }));
  } catch {
    issues = [{ path: root || '(root)', rule: 'unreadable', message: 'could not be read: a getter or proxy threw' }];
  }
  throw new CareJourneyError(code, `${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

/** Parses the options; whatever the value (a proxy, a getter that throws), a bad one is `CJ_ERR_INVALID_CONFIG`. */
function parseOptions(options: unknown): z.output<typeof optionsSchema> {
  return parse(optionsSchema, options, 'CJ_ERR_INVALID_CONFIG', 'SqliteStore options are invalid', 'options');
}

/**
 * The text columns a commit writes as they are (not as JSON). SQLite would silently replace a
 * lone surrogate in them, so what was acknowledged would not be what is read back: such a commit
 * is refused. JSON columns need no check: JSON.stringify escapes lone surrogates.
 */
function textColumns(c: JourneyCommit): string[] {
  const j = c.journey;
  const texts = [j.id, j.definitionId, j.patientRef, j.state, j.phase, j.status, j.createdAt, j.updatedAt];
  if (c.entry) texts.push(c.entry.type, c.entry.kind, c.entry.at, c.entry.recordedAt, c.entry.to, ...(c.entry.from === null ? [] : [c.entry.from]));
  if (c.idempotencyKey !== undefined) texts.push(c.idempotencyKey);
  for (const t of c.timersToSet) texts.push(t.key, t.owner);
  texts.push(...c.timersToCancel);
  for (const o of c.outbox) texts.push(o.id, o.journeyId, o.type, o.kind, o.createdAt);
  for (const p of c.protocols ?? []) texts.push(p.ref, p.definitionId, p.createdAt);
  return texts;
}

/** Delivered marks wait at most this long for a commit to carry them before they are written alone. */
const DELIVERED_FLUSH_MS = 50;
/** A queue this long is written at once, so a long run of deliveries without commits stays bounded. */
const DELIVERED_FLUSH_AT = 500;

type SummaryRow = Omit<JourneyRow, 'snapshot'>;

interface JourneyRow {
  id: string;
  definition_id: string;
  definition_version: number;
  patient_ref: string;
  version: number;
  last_seq: number;
  snapshot: string | null;
  state: string;
  phase: string;
  status: string;
  created_at: string;
  updated_at: string;
}

interface JournalRow {
  journey_id: string;
  seq: number;
  kind: string;
  type: string;
  payload: string;
  actor: string;
  at: string;
  recorded_at: string;
  from_state: string | null;
  to_state: string;
  definition_version: number;
  idempotency_key: string | null;
}

interface TimerDbRow {
  journey_id: string;
  key: string;
  owner: string;
  due_at: number;
  event: string | null;
  payload: string | null;
}

interface ProtocolRow {
  ref: string;
  definition_id: string;
  body: string;
  created_at: string;
}

interface OutboxRow {
  seq: number;
  id: string;
  journey_id: string;
  kind: string;
  type: string;
  payload: string | null;
  created_at: string;
}

/** What a commit reads of the stored journey: its version and the columns that have indexes. */
interface IndexedColumns {
  version: number;
  state: string;
  phase: string;
  status: string;
  patient_ref: string;
  definition_id: string;
}

type Statements = { [K in StoreStatementName]: Database.Statement };

/** JSON text for a column; an absent value is SQL `NULL`. */
// Plain JSON.stringify: a text cache of unchanged parts (tried) wrote faster but kept so much of
// each event's garbage alive past young collections that every event cost more.

/** The state leaves a flattened state (`a.b|a.c`) stands for, one index row each. */
const leavesOf = (state: string): Set<string> => new Set(state.split('|'));

const sqliteCode = (error: unknown): string | undefined =>
  error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

/**
 * A durable `JourneyStore` in one SQLite file, through better-sqlite3: WAL mode, one immediate
 * transaction per commit (snapshot, journal entry, idempotency key, timers, outbox and the
 * protocols it brings together, with the expected-version check inside the same transaction).
 * Each protocol version is stored once, in its own table, however many journeys refer to it.
 * Delivered marks cost no transaction of their own: they ride along with the next commit (or are
 * written alone within 50 ms, and on `close()`), so an event costs one fsync'd transaction. Several processes may open the
 * same file: a commit that lost a race is refused with `CJ_ERR_CONFLICT` and the engine retries it.
 * Memory stays flat however many journeys the file holds: the store keeps only the last snapshot of
 * its 256 most recently used journeys (at most 4 million characters of text), so a load of an
 * unchanged row parses nothing; any other row is read and checked in full.
 * Every method checks its arguments first: a bad one throws `CJ_ERR_INVALID_INPUT` naming it,
 * and nothing is read or written.
 *
 * @example
 * ```ts
 * import { createEngine } from '@carejourney/core';
 * import { SqliteStore } from '@carejourney/store-sqlite';
 *
 * const store = new SqliteStore({ path: '/var/lib/clinic/journeys.db' });
 * const engine = createEngine({ definition, store });
 * await engine.recover(); // redeliver what a crash left undelivered
 * // ... on shutdown
 * await store.close();
 * ```
 */
export class SqliteStore implements JourneyStore {
  /** The database file this store opened. */
  readonly path: string;
  /** The journal mode the connection runs in, as SQLite reports it: `wal` for a file. */
  readonly journalMode: string;
  /** The `synchronous` level the connection runs at, as SQLite reports it. */
  readonly synchronous: 'full' | 'normal' | 'other';
  readonly #db: Database.Database;
  /** `PRAGMA data_version`: changes when another connection commits to the database, never for this one's commits. */
  readonly #dataVersion: () => number;
  readonly #sql: Statements;
  readonly #queries = new Map<string, Database.Statement>();
  readonly #commitTx: Database.Transaction<(c: JourneyCommit, json: CommitTexts, delivered: readonly string[]) => number>;
  readonly #deliverTx: Database.Transaction<(ids: readonly string[]) => void>;
  readonly #onCorruptRow: (error: CareJourneyError) => void;
  /** The last snapshot written or read per journey, so a load of an unchanged row parses nothing. */
  readonly #snapshots = new SnapshotTexts();
  /** The last timer rows written or read, so a read of unchanged rows parses nothing. */
  readonly #timers = new KeptTimers();
  readonly #decodeTimer = (row: TimerDbRow): TimerRow => this.#timers.decode(row, toTimer);
  /** Outbox ids delivered but not yet marked in the database: the next commit carries them. */
  #delivered: string[] = [];
  #flushTimer: NodeJS.Timeout | undefined;

  /**
   * Opens the database file at `settings.path` (creating it with its schema when missing, bringing
   * an older schema up to date) in WAL mode, synchronously. Bad options throw
   * `CJ_ERR_INVALID_CONFIG` naming each one; a file that cannot be opened, or one written by a newer
   * release, throws `CJ_ERR_STORE`. Close the store when the process is done with it.
   *
   * @example
   * ```ts
   * const store = new SqliteStore({ path: '/var/lib/clinic/journeys.db', busyTimeoutMs: 10_000 });
   * store.journalMode; // 'wal'
   * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol });
   * ```
   */
  constructor(settings: SqliteStoreOptions) {
    const options = parseOptions(settings);
    const synchronous = options.synchronous ?? 'full';
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.path = options.path;
    this.#onCorruptRow = options.onCorruptRow ?? ((error) => process.emitWarning(error));

    let db: Database.Database;
    try {
      db = new Database(options.path, { timeout: busyTimeoutMs });
    } catch (error) {
      throw new CareJourneyError('CJ_ERR_STORE', `SqliteStore could not open "${options.path}": ${messageOf(error)}`, {}, { cause: error });
    }
    try {
      // WAL lets readers go on while one process writes, and makes a commit one append to the log.
      this.journalMode = String(db.pragma('journal_mode = WAL', { simple: true }));
      db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      const level = db.pragma('synchronous', { simple: true });
      this.synchronous = level === 2 ? 'full' : level === 1 ? 'normal' : 'other';
      migrateSchema(db);
      this.#sql = Object.fromEntries(Object.entries(STORE_SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Statements;
    } catch (error) {
      db.close();
      if (isCareJourneyError(error)) throw error;
      throw new CareJourneyError('CJ_ERR_STORE', `SqliteStore could not prepare "${options.path}": ${messageOf(error)}`, {}, { cause: error });
    }
    this.#db = db;
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.#dataVersion = () => dataVersion.get() as number;
    this.#commitTx = db.transaction((c: JourneyCommit, json: CommitTexts, delivered: readonly string[]): number => {
      this.#applyCommit(c, json);
      this.#writeDelivered(delivered);
      // Read under the write lock: no other connection can have committed since the rows were written.
      return this.#dataVersion();
    });
    this.#deliverTx = db.transaction((ids: readonly string[]) => this.#writeDelivered(ids));
  }

  /**
   * The journey's record, or `undefined` when no journey has the id. A snapshot whose stored JSON
   * does not parse throws `CJ_ERR_CORRUPT_SNAPSHOT` naming the journey and the column; a database
   * failure, or a closed store, throws `CJ_ERR_STORE`; a journey id that is not non-empty,
   * well-formed text `CJ_ERR_INVALID_INPUT`. The engine calls it (`get`, `send`, each due timer)
   * and checks and migrates the record; hosts read a journey through `engine.get`.
   *
   * @example
   * ```ts
   * const view = await engine.get(journeyId); // reads the journey's row, then migrates and checks it
   * ```
   */
  async load(journeyId: string): Promise<JourneyRecord | undefined> {
    const args = checkStoreArguments('SqliteStore', 'load', { journeyId });
    // Before the row: a commit by another connection after this read only makes the note stale.
    const dataVersion = this.#guard('load', args.journeyId, () => this.#dataVersion());
    // Nothing but this connection has committed since the kept record was written or read back:
    // the row is unchanged, and not read. Any other connection's commit (another process, a
    // hand's UPDATE) changes the data version, and the row is read and compared as below.
    const unchanged = this.#snapshots.unchangedRecord(args.journeyId, dataVersion);
    if (unchanged) return unchanged;
    const row = this.#guard('load', args.journeyId, () => this.#sql.loadJourney.get(args.journeyId) as JourneyRow | undefined);
    if (!row) {
      this.#snapshots.forget(args.journeyId);
      return undefined;
    }
    // The text is read and compared: a row another process or a hand changed is parsed.
    const known = this.#snapshots.valueOf(row.id, row.snapshot);
    const kept = (record: JourneyRecord | undefined): JourneyRecord | undefined => {
      if (record) this.#snapshots.seen(row.id, dataVersion);
      return record;
    };
    if (known !== undefined) return kept(this.#snapshots.recordOf(row.id, toSummary(row))) ?? { ...toSummary(row), snapshot: known };
    const record = toRecord(row);
    if (typeof row.snapshot === 'string' && record.snapshot !== undefined) {
      const snapshot = this.#snapshots.rememberParsed(row.id, row.snapshot, record.snapshot);
      // Frozen and kept with the snapshot, so the next load of the unchanged row hands out the same record.
      return kept(this.#snapshots.recordOf(row.id, toSummary(row))) ?? { ...record, snapshot };
    }
    return record;
  }

  /**
   * Writes a commit in one immediate transaction: the journey row, the journal entry, the
   * idempotency key, the timers to set and cancel, the outbox items, the protocols it brings (each
   * kept unless its ref is stored already: a stored protocol is never overwritten), and the
   * delivered marks queued so far. The version is checked under the write lock, so a commit that
   * lost a race with another process throws `CJ_ERR_CONFLICT` (as does a used idempotency key or
   * an outbox id stored already) and writes nothing, no protocol either. A commit of the wrong shape, a value that is not JSON, or text with a lone
   * surrogate throws `CJ_ERR_INVALID_INPUT`; a write lock held past `busyTimeoutMs`, or another
   * database failure, `CJ_ERR_STORE`. The engine calls it once per journey started, event applied
   * and timer fired, and retries on a conflict; hosts never call it.
   *
   * @example
   * ```ts
   * // One transaction per applied event:
   * const r = await engine.send(journeyId, { type: 'referral.accepted' }, { actor: { id: 'u7', role: 'physician' } });
   * if (!r.ok && r.error.code === 'CJ_ERR_CONFLICT') await engine.get(journeyId); // others kept committing first: reload
   * ```
   */
  async commit(given: JourneyCommit): Promise<void> {
    // The checked commit is plain data read once: what was checked is what is written.
    const commit = assertCommitShape(given, 'SqliteStore');
    if (!textColumns(commit).every((text) => text.isWellFormed())) {
      throw new CareJourneyError(
        'CJ_ERR_INVALID_INPUT',
        `SqliteStore refused a commit to journey "${commit.journey.id.isWellFormed() ? commit.journey.id : '(not well-formed)'}": a text value is not well-formed Unicode (a lone surrogate), which SQLite would store altered. Nothing was written.`,
        commit.journey.id.isWellFormed() ? { journeyId: commit.journey.id } : {},
      );
    }
    // Serialized before the write lock is taken: the lock is held for the writes only.
    const json = commitTexts(commit, 'SqliteStore');
    // IMMEDIATE takes the write lock before the version is read, so the check and the writes see
    // the same database even when another process writes to the file. Delivered marks queued so
    // far ride along; a commit that fails (a conflict, a busy lock) rolls them back with it, and
    // they go back to the queue. better-sqlite3 is synchronous: nothing is queued meanwhile.
    const delivered = this.#takeDelivered();
    let dataVersion: number;
    try {
      dataVersion = this.#guard('commit', commit.journey.id, () => this.#commitTx.immediate(commit, json, delivered));
    } catch (error) {
      this.#requeueDelivered(delivered);
      throw error;
    }
    // Only what the store acknowledged: a refused commit leaves what was kept as it was.
    if (json.snapshot === null) this.#snapshots.forget(commit.journey.id);
    else {
      this.#snapshots.remember(commit.journey.id, json.snapshot, commit.journey.snapshot, commit.journey);
      this.#snapshots.seen(commit.journey.id, dataVersion);
    }
    commit.timersToSet.forEach((timer, i) => this.#timers.committed(commit.journey.id, timer, json.timers[i]!));
  }

  /**
   * The `seq` of the journal entry an idempotency key produced on this journey, or `undefined`
   * when the key is unused. The engine calls it when `send` is given an `idempotencyKey`, to answer
   * a retry with the first result instead of applying the event again. A journey id or key that is
   * not non-empty, well-formed text throws `CJ_ERR_INVALID_INPUT`; a database failure `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * const r = await engine.send(journeyId, event, { actor, idempotencyKey: `req-${requestId}` });
   * if (r.ok && r.duplicate) console.log('already applied as entry', r.entry.seq); // the store knew the key
   * ```
   */
  async findIdempotencyKey(journeyId: string, key: string): Promise<number | undefined> {
    const args = checkStoreArguments('SqliteStore', 'findIdempotencyKey', { journeyId, key });
    const row = this.#guard('find an idempotency key', args.journeyId, () => this.#sql.findKey.get(args.journeyId, args.key) as { seq: number } | undefined);
    return row?.seq;
  }

  /**
   * One journey's journal entries in `seq` order, from `options.fromSeq` on (default 1), at most
   * `options.limit`; none for an unknown journey. An entry whose stored payload or actor is not a
   * JSON object throws `CJ_ERR_CORRUPT_SNAPSHOT` naming the journey and the entry; a bad journey id
   * or option `CJ_ERR_INVALID_INPUT`. The engine calls it for `history` and to answer an idempotent
   * retry; hosts read a journey's history through `engine.history`.
   *
   * @example
   * ```ts
   * const entries = await engine.history(journeyId); // the store's journal, each entry checked
   * ```
   */
  async readJournal(journeyId: string, options?: { fromSeq?: number; limit?: number }): Promise<JournalEntry[]> {
    const args = checkStoreArguments('SqliteStore', 'readJournal', { journeyId, options });
    const fromSeq = args.options?.fromSeq ?? 1;
    const limit = args.options?.limit ?? -1;
    const rows = this.#guard('read the journal', args.journeyId, () => this.#sql.readJournal.all(args.journeyId, fromSeq, limit) as JournalRow[]);
    return rows.map(toEntry);
  }

  /**
   * One journey's pending timers, earliest due first; none for an unknown journey. A row that
   * cannot be read back is skipped and reported to `onCorruptRow`. The engine reads them when it
   * loads a journey; a host may read them too, e.g. to show what falls due when. A journey id that
   * is not non-empty, well-formed text throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * for (const timer of await store.listTimers(journeyId)) console.log(timer.key, new Date(timer.dueAt).toISOString());
   * ```
   */
  async listTimers(journeyId: string): Promise<TimerRow[]> {
    const args = checkStoreArguments('SqliteStore', 'listTimers', { journeyId });
    return this.#decodeSkipping('list timers', args.journeyId, () => this.#sql.listTimers.all(args.journeyId) as TimerDbRow[], this.#decodeTimer, Number.POSITIVE_INFINITY);
  }

  /**
   * The pending timers of every journey due at or before `now` (epoch ms), earliest first, at most
   * `limit`: one indexed range read, which fires nothing. A row that cannot be read back is skipped
   * and reported to `onCorruptRow`, and the rows behind it still come back. The engine calls it
   * from `runDue` and fires each timer in a commit of its own; hosts call `engine.runDue`. A `now`
   * that is not a number, or a `limit` that is not a whole number from 0, throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * setInterval(() => void engine.runDue(), 30_000); // each pass asks the store for what is due
   * ```
   */
  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    const args = checkStoreArguments('SqliteStore', 'dueTimers', { now, limit });
    // One indexed range over due_at, at most `limit` rows: the engine claims due timers in
    // batches and re-checks each one under the journey's version before firing it.
    return this.#decodeSkipping('list due timers', undefined, (n) => this.#sql.dueTimers.all(args.now, n) as TimerDbRow[], this.#decodeTimer, args.limit);
  }

  /**
   * Undelivered outbox items, oldest first. Delivered marks still queued in this process are
   * written first, so an item delivered here is never handed out again; if they cannot be
   * written now (another process holds the write lock past `busyTimeoutMs`), they stay queued
   * and their items are left out of the answer. A row that cannot be read back is skipped and
   * reported to `onCorruptRow`. The engine calls it from `recover`; hosts call `engine.recover`.
   * A `limit` that is not a whole number from 0, or a bad journey id, throws `CJ_ERR_INVALID_INPUT`.
   *
   * @example
   * ```ts
   * const redelivered = await engine.recover(); // at start-up: delivers what a crash left undelivered
   * ```
   */
  async pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]> {
    ({ limit, journeyId } = checkStoreArguments('SqliteStore', 'pendingOutbox', { limit, journeyId }));
    this.#assertOpen('list the outbox', journeyId);
    const queued = this.#tryFlushDelivered() ? undefined : new Set(this.#delivered);
    const select =
      journeyId === undefined
        ? (n: number) => this.#sql.pendingOutbox.all(n) as OutboxRow[]
        : (n: number) => this.#sql.pendingOutboxOf.all(journeyId, n) as OutboxRow[];
    // Queued items are read and dropped: ask for that many more, so `limit` others still come back.
    const fetch = queued === undefined ? select : (n: number) => select(n < 0 ? n : n + queued.size).filter((row) => !queued.has(row.id));
    return this.#decodeSkipping('list the outbox', journeyId, fetch, toOutboxItem, limit);
  }

  /**
   * Marks outbox items delivered. The marks are queued and carried by this store's next commit
   * (or written alone within 50 ms when no commit comes, at once when 500 are queued, and on
   * `close()`), so a delivery costs no transaction of its own. A crash before they are written
   * means those items are delivered again by `recover()`, with the same ids (at least once),
   * never lost. The engine calls it once listeners and plugins have had a commit's items; hosts
   * never call it. Ids that are not an array of non-empty, well-formed text throw
   * `CJ_ERR_INVALID_INPUT`, and nothing is queued.
   *
   * @example
   * ```ts
   * // The engine delivers each commit's outbox items, then marks them; a failure to mark is reported:
   * engine.on('delivery.failed', ({ deliveryIds, code }) => console.warn(code, deliveryIds, 'left for recover()'));
   * ```
   */
  async markDelivered(ids: readonly string[]): Promise<void> {
    ({ ids } = checkStoreArguments('SqliteStore', 'markDelivered', { ids }));
    if (ids.length === 0) return;
    this.#assertOpen('mark outbox items delivered', undefined);
    this.#delivered.push(...ids);
    if (this.#delivered.length >= DELIVERED_FLUSH_AT) {
      this.#flushDelivered();
      return;
    }
    this.#armFlush();
  }

  /**
   * The protocol a commit stored under `ref`, or `undefined` when none did: one read by primary
   * key. It is returned as stored, unvalidated; the engine calls it when it loads a journey whose
   * snapshot refers to a protocol it has not read yet, and checks what it gets against the ref.
   * A stored body that is not a JSON object throws `CJ_ERR_CORRUPT_SNAPSHOT` naming the ref, never
   * the content; a ref that is not non-empty, well-formed text `CJ_ERR_INVALID_INPUT`; a database
   * failure, or a closed store, `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * const start = (await engine.history(journeyId))[0]!;
   * const stored = await store.loadProtocol(start.payload['protocolRef'] as string);
   * stored?.protocol; // the protocol the journey started under
   * ```
   */
  async loadProtocol(ref: string): Promise<ProtocolRecord | undefined> {
    const args = checkStoreArguments('SqliteStore', 'loadProtocol', { ref });
    const row = this.#guard(`load protocol "${args.ref}"`, undefined, () => this.#sql.loadProtocol.get(args.ref) as ProtocolRow | undefined);
    return row ? toProtocol(row) : undefined;
  }

  /**
   * Summaries (records without snapshots) of the journeys matching every field given, ordered by
   * id, at most `filter.limit`; `after` pages on from an id. The snapshot column is never read, so
   * a list stays cheap and a damaged snapshot hides no patient from it. `engine.query` checks the
   * filter against the definition, then calls it; a host may call it directly too. A filter with an
   * unknown field or a bad value throws `CJ_ERR_INVALID_INPUT`; a database failure `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * const onHold = await store.query({ phase: 'on-hold', status: 'active', limit: 50 });
   * const ofPatient = await store.query({ patientRef: 'pt-8842' }); // every journey of one patient, of any definition
   * ```
   */
  async query(filter: JourneyQuery): Promise<JourneySummary[]> {
    const args = checkStoreArguments('SqliteStore', 'query', { filter });
    const { sql, params } = journeyQuerySql(args.filter as JourneyQuery);
    const rows = this.#guard('query journeys', undefined, () => {
      let statement = this.#queries.get(sql);
      if (!statement) {
        statement = this.#db.prepare(sql);
        // At most one statement per combination of filter fields (2^6), so the cache is bounded.
        this.#queries.set(sql, statement);
      }
      return statement.all(...params) as SummaryRow[];
    });
    // Summaries never read the snapshot column, so a list stays cheap and a damaged snapshot
    // cannot hide a patient from it.
    return rows.map(toSummary);
  }

  /**
   * Deletes outbox rows delivered before an instant, so the file does not grow without bound.
   * Undelivered rows are always kept, and so is everything else: journeys, journals, timers and
   * protocols are never pruned. The engine's outbox ids contain the journey's version, so
   * an id is never issued twice and pruning cannot let one be reused. Returns how many rows went.
   * `deliveredBefore` is a valid `Date` or an ISO 8601 instant with its offset
   * (`2026-01-05T09:00:00Z`); anything else throws `CJ_ERR_INVALID_INPUT` and deletes nothing.
   *
   * @example
   * ```ts
   * // Keep 30 days of delivery history.
   * await store.pruneDelivered({ deliveredBefore: new Date(Date.now() - 30 * 86_400_000) });
   * ```
   */
  async pruneDelivered(options: { deliveredBefore: Date | string }): Promise<number> {
    const { deliveredBefore } = parse(pruneOptionsSchema, options, 'CJ_ERR_INVALID_INPUT', 'SqliteStore.pruneDelivered refused its options', '');
    return this.#guard('prune delivered outbox rows', undefined, () => this.#sql.pruneDelivered.run(deliveredBefore).changes);
  }

  /**
   * Writes a consistent copy of the whole database (every table: journeys, journals, timers,
   * outbox and protocols) to `path` while the store keeps working (SQLite's online backup:
   * commits made meanwhile wait or go into the next copy, never half).
   * Resolves with the number of pages copied. The file must not exist yet; a backup never
   * overwrites one. A path that is not 1-4096 characters of well-formed text without NUL, or an
   * existing file, throws `CJ_ERR_INVALID_INPUT`. Restore by opening the copy with a new
   * `SqliteStore({ path })`.
   *
   * @example
   * ```ts
   * await store.backup(`/var/backups/clinic/journeys-${new Date().toISOString().slice(0, 10)}.db`);
   * ```
   */
  async backup(path: string): Promise<number> {
    const file = parse(filePath, path, 'CJ_ERR_INVALID_INPUT', 'SqliteStore.backup refused its path', 'path');
    if (existsSync(file)) {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'backup: a file already exists at the path; a backup never overwrites one.', {
        issues: [{ path: 'path', rule: 'exists', message: 'must not exist yet' }],
      });
    }
    try {
      const { totalPages } = await this.#db.backup(file);
      return totalPages;
    } catch (error) {
      throw new CareJourneyError('CJ_ERR_STORE', 'backup: the copy could not be written; nothing was changed in the store.', {}, { cause: error });
    }
  }

  /**
   * Writes the delivered marks still queued, then closes the database. Calling it again does
   * nothing. A process that exits without closing its store leaves at most the last 50 ms of
   * marks unwritten: `recover()` delivers those items again, with the same ids. Reads and writes
   * of a closed store throw `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * // On shutdown, once no request is in flight:
   * await store.close(); // writes the queued delivered marks, then closes the file
   * ```
   */
  async close(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (!this.#db.open) return;
    try {
      // Unwritten marks only mean a redelivery after the restart: closing goes on regardless.
      this.#tryFlushDelivered();
    } finally {
      this.#delivered = [];
      this.#snapshots.clear();
      this.#timers.clear();
      this.#db.close();
    }
  }

  // ------------------------------------------------------------------ internals

  /** Writes delivered marks inside the current transaction. */
  #writeDelivered(ids: readonly string[]): void {
    if (ids.length === 0) return;
    // The wall-clock time is for operators reading the table; no logic depends on it.
    const at = new Date().toISOString();
    for (const id of ids) this.#sql.markDelivered.run(at, id);
  }

  #takeDelivered(): string[] {
    if (this.#delivered.length === 0) return [];
    const taken = this.#delivered;
    this.#delivered = [];
    // Nothing left to write alone: the timer is armed again by the next mark.
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    return taken;
  }

  #requeueDelivered(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.#delivered.unshift(...ids);
    this.#armFlush();
  }

  /** Writes the queued marks alone within {@link DELIVERED_FLUSH_MS} unless a commit carries them first. */
  #armFlush(): void {
    if (this.#delivered.length === 0 || !this.#db.open) return;
    // Unref'd: a pending flush never keeps the process alive.
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      // A busy write lock keeps the marks queued and tries again; meanwhile the next commit,
      // read of the outbox or close writes them, and this process never hands the items out again.
      if (!this.#tryFlushDelivered()) this.#armFlush();
    }, DELIVERED_FLUSH_MS).unref();
  }

  /**
   * Writes the queued delivered marks now, in one transaction of their own. Throws
   * `CJ_ERR_STORE` when it cannot (the marks go back to the queue).
   */
  #flushDelivered(): void {
    const ids = this.#takeDelivered();
    if (ids.length === 0) return;
    try {
      this.#guard('mark outbox items delivered', undefined, () => this.#deliverTx.immediate(ids));
    } catch (error) {
      this.#requeueDelivered(ids);
      throw error;
    }
  }

  /** {@link #flushDelivered}, reporting instead of throwing: `false` when marks stay queued. */
  #tryFlushDelivered(): boolean {
    try {
      this.#flushDelivered();
      return true;
    } catch {
      return false;
    }
  }

  /** A closed store refuses a call that would only touch the queue, as a database call would. */
  #assertOpen(action: string, journeyId: string | undefined): void {
    if (this.#db.open) return;
    this.#guard(action, journeyId, () => {
      throw new TypeError('The database connection is not open');
    });
  }

  /** The body of the commit transaction. Throwing anywhere rolls all of it back. */
  #applyCommit(c: JourneyCommit, json: CommitTexts): void {
    const s = this.#sql;
    const journey = c.journey;
    const id = journey.id;
    const current = s.journeyVersion.get(id) as IndexedColumns | undefined;
    if ((current?.version ?? 0) !== c.expectedVersion) throw conflictError(id, c.expectedVersion, current?.version);
    if (c.idempotencyKey !== undefined && s.findKey.get(id, c.idempotencyKey) !== undefined) {
      throw conflictError(id, c.expectedVersion, c.expectedVersion, { idempotencyKey: c.idempotencyKey });
    }
    const body = [journey.definitionVersion, journey.version, journey.lastSeq, json.snapshot, journey.state, journey.createdAt, journey.updatedAt];
    if (current) {
      if (s.updateJourney.run(...body, id, c.expectedVersion).changes !== 1) throw conflictError(id, c.expectedVersion, current.version);
      if (current.phase !== journey.phase) s.setPhase.run(journey.phase, id);
      if (current.status !== journey.status) s.setStatus.run(journey.status, id);
      if (current.patient_ref !== journey.patientRef) s.setPatientRef.run(journey.patientRef, id);
      if (current.definition_id !== journey.definitionId) s.setDefinitionId.run(journey.definitionId, id);
    } else {
      s.insertJourney.run(...body, journey.phase, journey.status, journey.patientRef, journey.definitionId, id);
    }
    if (current?.state !== journey.state) {
      const next = leavesOf(journey.state);
      const previous = current ? leavesOf(current.state) : new Set<string>();
      for (const leaf of previous) if (!next.has(leaf)) s.deleteLeaf.run(leaf, id);
      for (const leaf of next) if (!previous.has(leaf)) s.insertLeaf.run(leaf, id);
    }
    const e = c.entry;
    if (e) {
      s.insertJournal.run(
        id,
        e.seq,
        e.kind,
        e.type,
        json.entry?.payload ?? null,
        json.entry?.actor ?? null,
        e.at,
        e.recordedAt,
        e.from,
        e.to,
        e.definitionVersion,
        e.idempotencyKey ?? null,
      );
      if (c.idempotencyKey !== undefined) s.insertKey.run(id, c.idempotencyKey, e.seq);
    }
    // Cancel before set: a commit may cancel a timer and set it again with a new due time.
    // Timers are written under the committing journey, so a commit never touches another one.
    for (const key of c.timersToCancel) s.deleteTimer.run(id, key);
    c.timersToSet.forEach((t, i) => s.upsertTimer.run(id, t.key, t.owner, t.dueAt, json.timers[i]?.event ?? null, json.timers[i]?.payload ?? null));
    for (const [i, item] of c.outbox.entries()) {
      try {
        s.insertOutbox.run(item.id, item.journeyId, item.kind, item.type, json.outbox[i] ?? null, item.createdAt);
      } catch (error) {
        if (sqliteCode(error) !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
        throw conflictError(id, c.expectedVersion, c.expectedVersion, { outboxId: item.id });
      }
    }
    // After every check: a refused commit stores no protocol (it rolls back with the rest). A ref
    // stored already, by an earlier commit or earlier in this one, is left as it is.
    (c.protocols ?? []).forEach((p, i) => s.insertProtocol.run(p.ref, p.definitionId, json.protocols[i] ?? null, p.createdAt));
  }

  /**
   * Reads rows and decodes them, skipping (and reporting) the ones that cannot be decoded, while
   * still returning up to `limit` good ones: a damaged row must not hide the rows behind it.
   */
  #decodeSkipping<TRow, T>(action: string, journeyId: string | undefined, fetch: (n: number) => TRow[], decode: (row: TRow) => T, limit: number): T[] {
    let n = limit;
    for (;;) {
      const rows = this.#guard(action, journeyId, () => fetch(Number.isFinite(n) ? n : -1));
      const good: T[] = [];
      const bad: CareJourneyError[] = [];
      for (const row of rows) {
        try {
          good.push(decode(row));
        } catch (error) {
          if (!isCareJourneyError(error, 'CJ_ERR_CORRUPT_SNAPSHOT')) throw error;
          bad.push(error);
        }
      }
      if (good.length >= limit || rows.length < n || bad.length === 0) {
        for (const error of bad) this.#onCorruptRow(error);
        return good.slice(0, limit);
      }
      n += bad.length;
    }
  }

  /** Runs a database call; a SQLite failure becomes `CJ_ERR_STORE` naming the journey. */
  #guard<T>(action: string, journeyId: string | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (isCareJourneyError(error)) throw error;
      const subject = journeyId === undefined ? '' : ` for journey "${journeyId}"`;
      throw new CareJourneyError(
        'CJ_ERR_STORE',
        `SqliteStore could not ${action}${subject}: ${messageOf(error)}`,
        journeyId === undefined ? {} : { journeyId },
        { cause: error },
      );
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toSummary(row: SummaryRow): JourneySummary {
  return {
    id: row.id,
    definitionId: row.definition_id,
    definitionVersion: row.definition_version,
    patientRef: row.patient_ref,
    version: row.version,
    lastSeq: row.last_seq,
    state: row.state,
    phase: row.phase,
    // Returned as stored; the engine validates the record (and names the journey) when it loads it.
    status: row.status as JourneyRecord['status'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRecord(row: JourneyRow): JourneyRecord {
  const { snapshot, ...summary } = row;
  return { ...toSummary(summary), snapshot: readStoredJson(snapshot, { journeyId: row.id, column: 'journeys.snapshot' }) };
}

function toEntry(row: JournalRow): JournalEntry {
  const where = (column: string) => ({ journeyId: row.journey_id, column: `journal.${column} (seq ${row.seq})` });
  const payload = readStoredJson(row.payload, where('payload'));
  const actor = readStoredJson(row.actor, where('actor'));
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw corruptRow(where('payload'), 'is not a JSON object');
  if (actor === null || typeof actor !== 'object' || Array.isArray(actor)) throw corruptRow(where('actor'), 'is not a JSON object');
  return {
    journeyId: row.journey_id,
    seq: row.seq,
    kind: row.kind as JournalEntry['kind'],
    type: row.type,
    payload: payload as Record<string, unknown>,
    actor: actor as JournalEntry['actor'],
    at: row.at,
    recordedAt: row.recorded_at,
    from: row.from_state,
    to: row.to_state,
    definitionVersion: row.definition_version,
    ...(row.idempotency_key === null ? {} : { idempotencyKey: row.idempotency_key }),
  };
}

function toProtocol(row: ProtocolRow): ProtocolRecord {
  const source = { protocolRef: row.ref, column: 'protocols.body' };
  const protocol = readStoredJson(row.body, source);
  if (protocol === null || typeof protocol !== 'object' || Array.isArray(protocol)) throw corruptRow(source, 'is not a JSON object');
  return { ref: row.ref, definitionId: row.definition_id, protocol: protocol as Record<string, unknown>, createdAt: row.created_at };
}

function toTimer(row: TimerDbRow): TimerRow {
  const where = (column: string) => ({ journeyId: row.journey_id, column: `timers.${column} (key ${row.key})` });
  const event = readStoredJson(row.event, where('event'));
  const payload = readStoredJson(row.payload, where('payload'));
  if (event !== undefined && (event === null || typeof event !== 'object' || Array.isArray(event))) throw corruptRow(where('event'), 'is not a JSON object');
  return {
    journeyId: row.journey_id,
    key: row.key,
    owner: row.owner,
    dueAt: row.due_at,
    ...(event === undefined ? {} : { event: event as Record<string, unknown> }),
    ...(payload === undefined ? {} : { payload }),
  };
}

function toOutboxItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    journeyId: row.journey_id,
    kind: row.kind as OutboxItem['kind'],
    type: row.type,
    payload: readStoredJson(row.payload, { journeyId: row.journey_id, column: `outbox.payload (id ${row.id})` }),
    createdAt: row.created_at,
  };
}
