import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import {
  assertCommitShape,
  CareJourneyError,
  conflictError,
  isCareJourneyError,
  type JournalEntry,
  type JourneyCommit,
  type JourneyQuery,
  type JourneyRecord,
  type JourneyStore,
  type JourneySummary,
  type OutboxItem,
  type TimerRow,
} from '@carejourney/core';
import { journeyQuerySql } from './journeyQuerySql.js';
import { migrateSchema } from './migrateSchema.js';
import { corruptRow, readStoredJson } from './readStoredJson.js';
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

const optionsSchema = z.strictObject({
  path: z.string().min(1).max(4096).refine((p) => p.isWellFormed() && !p.includes('\u0000'), { message: 'must be a file path (or ":memory:") without NUL or lone surrogates' }),
  synchronous: z.enum(['full', 'normal']).optional(),
  busyTimeoutMs: z.int().min(0).max(2_147_483_647).optional(),
  onCorruptRow: z.custom<(error: CareJourneyError) => void>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
});

/** Parses the options; whatever the value (a proxy, a getter that throws), a bad one is `CJ_ERR_INVALID_CONFIG`. */
function parseOptions(options: unknown): z.output<typeof optionsSchema> {
  let issues: { path: string; rule: string; message: string }[];
  try {
    const parsed = optionsSchema.safeParse(options);
    if (parsed.success) return parsed.data;
    issues = parsed.error.issues.map((i) => ({ path: ['options', ...i.path.map(String)].join('.'), rule: i.code, message: i.message }));
  } catch {
    issues = [{ path: 'options', rule: 'unreadable', message: 'could not be read: a getter or proxy threw' }];
  }
  throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `SqliteStore options are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
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
  return texts;
}

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
const toJson = (value: unknown): string | null => (value === undefined ? null : (JSON.stringify(value) ?? null));

/** The state leaves a flattened state (`a.b|a.c`) stands for, one index row each. */
const leavesOf = (state: string): Set<string> => new Set(state.split('|'));

const sqliteCode = (error: unknown): string | undefined =>
  error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

/**
 * A durable `JourneyStore` in one SQLite file, through better-sqlite3: WAL mode, one immediate
 * transaction per commit (snapshot, journal entry, idempotency key, timers and outbox together,
 * with the expected-version check inside the same transaction). Several processes may open the
 * same file: a commit that lost a race is refused with `CJ_ERR_CONFLICT` and the engine retries it.
 * Nothing is cached per journey, so memory stays flat however many journeys the file holds.
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
  readonly #sql: Statements;
  readonly #queries = new Map<string, Database.Statement>();
  readonly #commitTx: Database.Transaction<(c: JourneyCommit) => void>;
  readonly #deliverTx: Database.Transaction<(ids: readonly string[], at: string) => void>;
  readonly #onCorruptRow: (error: CareJourneyError) => void;

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
    this.#commitTx = db.transaction((c: JourneyCommit) => this.#applyCommit(c));
    this.#deliverTx = db.transaction((ids: readonly string[], at: string) => {
      for (const id of ids) this.#sql.markDelivered.run(at, id);
    });
  }

  async load(journeyId: string): Promise<JourneyRecord | undefined> {
    const row = this.#guard('load', journeyId, () => this.#sql.loadJourney.get(journeyId) as JourneyRow | undefined);
    return row ? toRecord(row) : undefined;
  }

  async commit(commit: JourneyCommit): Promise<void> {
    assertCommitShape(commit);
    if (!textColumns(commit).every((text) => typeof text === 'string' && text.isWellFormed())) {
      throw new CareJourneyError(
        'CJ_ERR_INVALID_INPUT',
        `SqliteStore refused a commit to journey "${commit.journey.id.isWellFormed() ? commit.journey.id : '(not well-formed)'}": a text value is not well-formed Unicode (a lone surrogate), which SQLite would store altered. Nothing was written.`,
        commit.journey.id.isWellFormed() ? { journeyId: commit.journey.id } : {},
      );
    }
    // IMMEDIATE takes the write lock before the version is read, so the check and the writes see
    // the same database even when another process writes to the file.
    this.#guard('commit', commit.journey.id, () => this.#commitTx.immediate(commit));
  }

  async findIdempotencyKey(journeyId: string, key: string): Promise<number | undefined> {
    const row = this.#guard('find an idempotency key', journeyId, () => this.#sql.findKey.get(journeyId, key) as { seq: number } | undefined);
    return row?.seq;
  }

  async readJournal(journeyId: string, options: { fromSeq?: number; limit?: number } = {}): Promise<JournalEntry[]> {
    const rows = this.#guard('read the journal', journeyId, () => this.#sql.readJournal.all(journeyId, options.fromSeq ?? 1, options.limit ?? -1) as JournalRow[]);
    return rows.map(toEntry);
  }

  async listTimers(journeyId: string): Promise<TimerRow[]> {
    return this.#decodeSkipping('list timers', journeyId, () => this.#sql.listTimers.all(journeyId) as TimerDbRow[], toTimer, Number.POSITIVE_INFINITY);
  }

  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    // One indexed range over due_at, at most `limit` rows: the engine claims due timers in
    // batches and re-checks each one under the journey's version before firing it.
    return this.#decodeSkipping('list due timers', undefined, (n) => this.#sql.dueTimers.all(now, n) as TimerDbRow[], toTimer, limit);
  }

  async pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]> {
    const fetch =
      journeyId === undefined
        ? (n: number) => this.#sql.pendingOutbox.all(n) as OutboxRow[]
        : (n: number) => this.#sql.pendingOutboxOf.all(journeyId, n) as OutboxRow[];
    return this.#decodeSkipping('list the outbox', journeyId, fetch, toOutboxItem, limit);
  }

  async markDelivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // The wall-clock time is for operators reading the table; no logic depends on it.
    this.#guard('mark outbox items delivered', undefined, () => this.#deliverTx.immediate(ids, new Date().toISOString()));
  }

  async query(filter: JourneyQuery): Promise<JourneySummary[]> {
    const { sql, params } = journeyQuerySql(filter);
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
   * Undelivered rows are always kept. The engine's outbox ids contain the journey's version, so
   * an id is never issued twice and pruning cannot let one be reused. Returns how many rows went.
   *
   * @example
   * ```ts
   * // Keep 30 days of delivery history.
   * await store.pruneDelivered({ deliveredBefore: new Date(Date.now() - 30 * 86_400_000) });
   * ```
   */
  async pruneDelivered(options: { deliveredBefore: Date | string }): Promise<number> {
    const instant = options.deliveredBefore instanceof Date ? options.deliveredBefore.getTime() : Date.parse(options.deliveredBefore);
    if (!Number.isFinite(instant)) {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'pruneDelivered: deliveredBefore must be a valid Date or ISO 8601 instant.', {
        issues: [{ path: 'deliveredBefore', rule: 'invalid_date', message: 'must be a valid Date or ISO 8601 instant' }],
      });
    }
    const before = new Date(instant).toISOString();
    return this.#guard('prune delivered outbox rows', undefined, () => this.#sql.pruneDelivered.run(before).changes);
  }

  /**
   * Writes a consistent copy of the whole database to `path` while the store keeps working
   * (SQLite's online backup: commits made meanwhile wait or go into the next copy, never half).
   * Resolves with the number of pages copied. The file must not exist yet; a backup never
   * overwrites one. Restore by opening the copy with a new `SqliteStore({ path })`.
   *
   * @example
   * ```ts
   * await store.backup(`/var/backups/clinic/journeys-${new Date().toISOString().slice(0, 10)}.db`);
   * ```
   */
  async backup(path: string): Promise<number> {
    if (typeof path !== 'string' || path.length === 0 || path.length > 4096 || path.includes('\0') || !path.isWellFormed()) {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'backup: path must be a file path (1-4096 characters of well-formed Unicode without NUL).', {
        issues: [{ path: 'path', rule: 'invalid_type', message: 'must be a file path' }],
      });
    }
    if (existsSync(path)) {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'backup: a file already exists at the path; a backup never overwrites one.', {
        issues: [{ path: 'path', rule: 'exists', message: 'must not exist yet' }],
      });
    }
    try {
      const { totalPages } = await this.#db.backup(path);
      return totalPages;
    } catch (error) {
      throw new CareJourneyError('CJ_ERR_STORE', 'backup: the copy could not be written; nothing was changed in the store.', {}, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  // ------------------------------------------------------------------ internals

  /** The body of the commit transaction. Throwing anywhere rolls all of it back. */
  #applyCommit(c: JourneyCommit): void {
    const s = this.#sql;
    const journey = c.journey;
    const id = journey.id;
    const current = s.journeyVersion.get(id) as IndexedColumns | undefined;
    if ((current?.version ?? 0) !== c.expectedVersion) throw conflictError(id, c.expectedVersion, current?.version);
    if (c.idempotencyKey !== undefined && s.findKey.get(id, c.idempotencyKey) !== undefined) {
      throw conflictError(id, c.expectedVersion, c.expectedVersion, { idempotencyKey: c.idempotencyKey });
    }
    const body = [journey.definitionVersion, journey.version, journey.lastSeq, toJson(journey.snapshot), journey.state, journey.createdAt, journey.updatedAt];
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
        toJson(e.payload),
        toJson(e.actor),
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
    for (const t of c.timersToSet) s.upsertTimer.run(id, t.key, t.owner, t.dueAt, toJson(t.event), toJson(t.payload));
    for (const item of c.outbox) {
      try {
        s.insertOutbox.run(item.id, item.journeyId, item.kind, item.type, toJson(item.payload), item.createdAt);
      } catch (error) {
        if (sqliteCode(error) !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
        throw conflictError(id, c.expectedVersion, c.expectedVersion, { outboxId: item.id });
      }
    }
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
