import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  assertCommitShape,
  byCodePoint,
  CareJourneyError,
  checkStoreArguments,
  commitTexts,
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
import { isSchemaName, migrateSchema, quoteIdent } from './migrateSchema.js';
import { classifyPgError, constraintOf, describePgError } from './pgErrors.js';
import { corruptRow, readStoredJson } from './readStoredJson.js';
import { statementName } from './statementName.js';
import { commitValues, firedTimerOf, storeSql, type StoreSql } from './storeSql.js';

/**
 * How `PostgresStore` connects and behaves. Every field is optional.
 *
 * @example
 * ```ts
 * const store = await PostgresStore.open({
 *   connectionString: 'postgres://app@db.clinic.internal:5432/clinic',
 *   schema: 'carejourney',
 *   poolSize: 5,
 *   workerId: os.hostname(), // a restarted server takes back its own claims at once
 *   onConnectionError: (error) => metrics.count('db.connection_error', { code: error.code }),
 * });
 * ```
 */
export interface PostgresStoreOptions {
  /** e.g. `postgres://app@db.clinic.internal:5432/clinic`. Without it, `connection` and the `PG*` environment variables apply. */
  readonly connectionString?: string;
  /** Further `pg` pool settings (host, port, user, password, ssl, ...), passed to `new pg.Pool`. */
  readonly connection?: pg.PoolConfig;
  /** The schema that holds the store's tables; created when missing. Default `'carejourney'`. */
  readonly schema?: string;
  /** Connections this process keeps at most (default 10). The worker's LISTEN connection is extra. */
  readonly poolSize?: number;
  /**
   * How long a worker holds the timers and outbox items it claimed, in ms (default 30 000). A
   * process that dies leaves its claims behind this long; then another worker takes them over.
   * Keep it well above the time one `runDue` batch of 100 timers takes.
   */
  readonly leaseMs?: number;
  /**
   * Who holds claims: unique per running process (default: a random id). A stable id per server
   * (e.g. its host name) lets a restarted server take back its own claims at once instead of
   * after the lease.
   */
  readonly workerId?: string;
  /** A commit that sets a timer due within this many ms of its time notifies the workers (default 60 000). */
  readonly notifyWithinMs?: number;
  /** How long one call keeps retrying a lost or refused connection before it fails with `CJ_ERR_STORE` (default 5 000 ms). */
  readonly retryForMs?: number;
  /**
   * Told about every connection fault the store met (a terminated backend, a refused connection,
   * an idle connection that broke), whether it was retried or not. For logs and metrics; the
   * error names the action and the journey, never stored values.
   */
  readonly onConnectionError?: (error: CareJourneyError) => void;
  /**
   * Told about a timer or outbox row that cannot be read back (a hand-edited value of the wrong
   * shape). The row is skipped, left untouched and reported again on every read, so one damaged
   * journey never stops the timers and deliveries of the others. Defaults to `process.emitWarning`.
   */
  readonly onCorruptRow?: (error: CareJourneyError) => void;
}

/**
 * A LISTEN subscription of {@link PostgresStore.listenForTimers}: close it to stop listening.
 *
 * @example
 * ```ts
 * const subscription: TimerSubscription = await store.listenForTimers((dueAt) => wakeAt(dueAt));
 * // ... on shutdown
 * await subscription.close();
 * ```
 */
export interface TimerSubscription {
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

interface SummaryRow {
  id: string;
  definition_id: string;
  definition_version: number;
  patient_ref: string;
  version: number;
  last_seq: number;
  state: string;
  phase: string;
  status: string;
  created_at: string;
  updated_at: string;
}

interface JourneyRow extends SummaryRow {
  snapshot: string | null;
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
  seq: string;
  id: string;
  journey_id: string;
  kind: string;
  type: string;
  payload: string | null;
  created_at: string;
}

type StatementName = Exclude<keyof StoreSql, never>;

/** Raised inside the store when no connection could be had: nothing was sent. */
class NotSent extends Error {
  constructor(readonly original: unknown) {
    super('no connection');
  }
}

const DEFAULTS = { schema: 'carejourney', poolSize: 10, leaseMs: 30_000, notifyWithinMs: 60_000, retryForMs: 5_000 } as const;
/** Delivered marks wait at most this long for a commit to carry them before they are written alone. */
const DELIVERED_FLUSH_MS = 50;
const DELIVERED_FLUSH_AT = 500;

const NOTHING_WRITTEN = 'nothing was written; send the event again';
const IN_DOUBT =
  'the connection broke and the commit may not have been written, or may still be (the old connection\'s backend is still running it); send the event again with the same idempotency key';

/** The server process of a connection (`pg` reads it at connect), to tell later whether it is gone. */
const backendPid = (client: pg.PoolClient): number | undefined => {
  const pid = (client as unknown as { processID?: unknown }).processID;
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A `JourneyStore` on PostgreSQL for several engine processes over one database. Each commit is
 * one statement, so one transaction: the journey row with the expected-version check
 * (`UPDATE ... WHERE version = $expected`), the journal entry, the idempotency key, the timers,
 * the outbox items and the protocols it brings together; each protocol version is stored once,
 * in the `protocols` table, and never pruned. `dueTimers` and `pendingOutbox` claim rows with
 * `FOR UPDATE SKIP LOCKED` and a lease, so concurrent workers get disjoint batches and a worker
 * that died has its claims taken over after the lease. A connection lost during a commit is
 * resolved by reading back whether the commit landed: the caller gets a success or
 * `CJ_ERR_STORE`, never a half-applied event. Every `JourneyStore` method checks its arguments
 * first, as MemoryStore and SqliteStore do: a bad one (or a commit whose snapshot or payloads are
 * not JSON) throws `CJ_ERR_INVALID_INPUT` naming it and its rule, and nothing is sent.
 *
 * @example
 * ```ts
 * import { createEngine, ketamineAnxietyJourney } from '@carejourney/core';
 * import { PostgresStore } from '@carejourney/store-postgres';
 *
 * const store = await PostgresStore.open({ connectionString: 'postgres://app@db.clinic.internal:5432/clinic', schema: 'carejourney' });
 * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true } });
 * // ... on shutdown
 * await store.close();
 * ```
 */
export class PostgresStore implements JourneyStore {
  /** The schema that holds the tables. */
  readonly schema: string;
  /** Who holds this store's claims on timers and outbox items. */
  readonly workerId: string;
  /** The LISTEN/NOTIFY channel commits notify when they set a timer due soon. */
  readonly notifyChannel: string;
  readonly #pool: pg.Pool;
  readonly #clientConfig: pg.ClientConfig;
  readonly #sql: StoreSql;
  readonly #names: Record<StatementName, string>;
  readonly #queryNames = new Map<string, string>();
  readonly #leaseMs: number;
  readonly #notifyWithinMs: number;
  readonly #retryForMs: number;
  readonly #onConnectionError: (error: CareJourneyError) => void;
  readonly #onCorruptRow: (error: CareJourneyError) => void;
  readonly #subscriptions = new Set<TimerSubscription>();
  #ready: Promise<void> | undefined;
  #closed = false;
  /** Outbox ids delivered but not yet marked in the database: the next commit carries them. */
  #delivered: string[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  /**
   * Creates a store without connecting: the options are checked (a bad one throws
   * `CJ_ERR_INVALID_CONFIG` naming it) and the connection pool is set up; the schema is created or
   * migrated by the first call that needs it. Prefer {@link PostgresStore.open}, which waits for the
   * schema, so a wrong connection string or a schema of a newer release fails at start-up.
   *
   * @example
   * ```ts
   * const store = new PostgresStore({ connectionString: 'postgres://app@db.clinic.internal:5432/clinic', workerId: os.hostname() });
   * const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol });
   * ```
   */
  constructor(options: PostgresStoreOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'PostgresStore needs an options object, e.g. { connectionString, schema }.');
    }
    const schema = options.schema ?? DEFAULTS.schema;
    if (!isSchemaName(schema)) {
      throw invalidOption('schema', 'must be 1-48 lower-case letters, digits and underscores, starting with a letter or underscore');
    }
    const positiveInt = (name: keyof PostgresStoreOptions, value: unknown, fallback: number, min = 1): number => {
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalidOption(name, `must be an integer of at least ${min}`);
      return value;
    };
    const poolSize = positiveInt('poolSize', options.poolSize, DEFAULTS.poolSize);
    this.#leaseMs = positiveInt('leaseMs', options.leaseMs, DEFAULTS.leaseMs, 100);
    this.#notifyWithinMs = positiveInt('notifyWithinMs', options.notifyWithinMs, DEFAULTS.notifyWithinMs, 0);
    this.#retryForMs = positiveInt('retryForMs', options.retryForMs, DEFAULTS.retryForMs, 0);
    if (options.workerId !== undefined && (typeof options.workerId !== 'string' || options.workerId.length === 0 || options.workerId.length > 200)) {
      throw invalidOption('workerId', 'must be a string of 1-200 characters');
    }
    if (options.connectionString !== undefined && typeof options.connectionString !== 'string') throw invalidOption('connectionString', 'must be a string');
    this.schema = schema;
    this.workerId = options.workerId ?? randomUUID();
    this.notifyChannel = `cj_timers_${schema}`;
    this.#onConnectionError = options.onConnectionError ?? (() => undefined);
    this.#onCorruptRow = options.onCorruptRow ?? ((error) => process.emitWarning(error));
    this.#clientConfig = {
      application_name: 'carejourney',
      ...options.connection,
      ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
    };
    // allowExitOnIdle: a script that forgets close() still ends once its connections are idle.
    this.#pool = new pg.Pool({ allowExitOnIdle: true, ...this.#clientConfig, max: poolSize });
    // An idle connection that breaks (a terminated backend, a server restart) is dropped by the
    // pool; without a listener its 'error' event would end the process.
    this.#pool.on('error', (error) => this.#reportConnection('keep an idle connection', undefined, error, true));
    // pg emits 'error' on a client whose backend dies while it is between owners (borrowed but
    // not querying, or being discarded); an 'error' event without a listener ends the process.
    // Queries in flight still fail with the error, and the pool still drops the client.
    this.#pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    this.#sql = storeSql(quoteIdent(schema));
    this.#names = Object.fromEntries(Object.keys(this.#sql).map((name) => [name, statementName(schema, name)])) as Record<StatementName, string>;
  }

  /**
   * Creates a store and waits until its schema is ready (created or migrated), so a wrong
   * connection string or a schema from a newer release fails here rather than on first use.
   *
   * @example
   * ```ts
   * const store = await PostgresStore.open({ connectionString: 'postgres://app@db:5432/clinic' });
   * ```
   */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.#ensureReady('open the store', undefined);
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
    return store;
  }

  /**
   * The journey's record, or `undefined` when no journey has the id. A snapshot whose stored JSON
   * cannot be read back throws `CJ_ERR_CORRUPT_SNAPSHOT` naming the journey and the column; a
   * database failure, a closed store, or a connection still lost after `retryForMs` throws
   * `CJ_ERR_STORE`. The engine calls it (`get`, `send`, each due timer) and checks and migrates the
   * record; hosts read a journey through `engine.get`.
   *
   * @example
   * ```ts
   * const view = await engine.get(journeyId); // reads the journey's row, then migrates and checks it
   * ```
   */
  async load(journeyId: string): Promise<JourneyRecord | undefined> {
    ({ journeyId } = checkStoreArguments('PostgresStore', 'load', { journeyId }));
    const { rows } = await this.#query<JourneyRow>('load', journeyId, 'loadJourney', [journeyId]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Writes a commit as one statement, so one transaction: the journey row under the
   * expected-version check, the journal entry, the idempotency key, the timers to set and cancel,
   * the outbox items (claimed by this worker while the engine delivers them), the protocols it
   * brings (each kept unless its ref is stored already, never overwritten) and the delivered marks
   * queued so far. A stale version, a used idempotency key, an outbox id stored already, or a fired
   * timer that another worker fired or cancelled first throws `CJ_ERR_CONFLICT`, and nothing is
   * written. A connection lost mid-commit is resolved by reading back whether the commit landed:
   * the call resolves, or throws `CJ_ERR_STORE` saying whether the event may have been written. A
   * commit of the wrong shape throws `CJ_ERR_INVALID_INPUT`. The engine calls it once per journey
   * started, event applied and timer fired; hosts never call it.
   *
   * @example
   * ```ts
   * // One statement per applied event. With a key, sending again after CJ_ERR_STORE cannot apply the event twice:
   * const r = await engine.send(journeyId, event, { actor, idempotencyKey: `req-${requestId}` });
   * ```
   */
  async commit(given: JourneyCommit): Promise<void> {
    // The checked commit is plain data read once: what was checked is what is written.
    const commit = assertCommitShape(given, 'PostgresStore');
    // Serialized before anything is sent: a value that is not JSON is refused, naming its field.
    const json = commitTexts(commit, 'PostgresStore');
    const id = commit.journey.id;
    await this.#ensureReady('commit', id);
    const commitId = randomUUID();
    const deadline = Date.now() + this.#retryForMs;
    // Backends of attempts whose connection broke mid-statement. A reset connection (unlike a
    // terminated backend) does not stop its backend: it finishes the statement, which may still
    // commit, perhaps long after (it may be waiting for a lock). While one of them runs, a
    // read-back that finds nothing proves nothing.
    const broken: number[] = [];
    for (let attempt = 0; ; attempt++) {
      // Delivered marks queued so far ride along; they go back to the queue if the statement fails.
      const delivered = this.#takeDelivered();
      let backend: number | undefined;
      try {
        const { rows } = await this.#withClient((client) => {
          backend = backendPid(client);
          return client.query<{ applied: number }>({ name: this.#names.commit, text: this.#sql.commit, values: commitValues(commit, { commitId, workerId: this.workerId, leaseMs: this.#leaseMs, delivered, notifyChannel: this.notifyChannel, notifyWithinMs: this.#notifyWithinMs }, json) });
        });
        if (rows[0]?.applied === 1) return;
        // An earlier attempt may have landed after all (its connection broke before the reply).
        if (attempt > 0 && (await this.#commitOutcome(commit, commitId, deadline)) === 'applied') return;
        const current = await this.#query<{ version: number }>('commit', id, 'journeyVersion', [id]);
        const fired = firedTimerOf(commit);
        if (fired !== null && current.rows[0]?.version === commit.expectedVersion) {
          throw new CareJourneyError('CJ_ERR_CONFLICT', `Commit to journey "${id}" refused: timer "${fired}" is no longer pending; another worker fired or cancelled it first.`, {
            journeyId: id,
            expectedVersion: commit.expectedVersion,
            reason: 'timer no longer pending',
          });
        }
        throw conflictError(id, commit.expectedVersion, current.rows[0]?.version);
      } catch (error) {
        if (isCareJourneyError(error)) throw error;
        this.#requeueDelivered(delivered);
        const failure = error instanceof NotSent ? 'unreachable' : classifyPgError(error);
        if (failure === 'unique') {
          if (attempt > 0 && (await this.#commitOutcome(commit, commitId, deadline)) === 'applied') return;
          throw uniqueConflict(commit, error);
        }
        const cause = error instanceof NotSent ? error.original : error;
        if (failure === 'retry' && Date.now() < deadline) continue;
        if (failure === 'unreachable') {
          // Nothing was sent this time: retry while the deadline allows, then refuse. Nothing was
          // written unless an earlier attempt's backend may still commit.
          this.#reportConnection('commit', id, cause, Date.now() < deadline);
          if (Date.now() < deadline && !this.#closed) {
            await sleep(backoff(attempt));
            continue;
          }
          throw storeError('commit', id, cause, broken.length === 0 ? NOTHING_WRITTEN : IN_DOUBT);
        }
        if (failure === 'connection') {
          this.#reportConnection('commit', id, cause, true);
          // A backend whose id is unknown cannot be waited for: it stays in doubt.
          broken.push(backend ?? -1);
          // Once the backends are gone, what the read-back finds is final.
          if (await this.#backendsGone(id, broken, deadline)) broken.length = 0;
          const outcome = await this.#commitOutcome(commit, commitId, deadline);
          if (outcome === 'applied') return;
          // Sending it again is safe even while an old attempt runs: the version check lets one land.
          if (outcome === 'absent' && Date.now() < deadline && !this.#closed) continue;
          if (outcome === 'conflict') {
            const current = await this.#query<{ version: number }>('commit', id, 'journeyVersion', [id]);
            throw conflictError(id, commit.expectedVersion, current.rows[0]?.version);
          }
          throw storeError(
            'commit',
            id,
            cause,
            outcome === 'absent'
              ? broken.length === 0
                ? NOTHING_WRITTEN
                : IN_DOUBT
              : 'the connection broke and whether the commit landed could not be read back; send the event again with the same idempotency key',
          );
        }
        throw storeError('commit', id, cause);
      }
    }
  }

  /**
   * The `seq` of the journal entry an idempotency key produced on this journey, or `undefined`
   * when the key is unused. The engine calls it when `send` is given an `idempotencyKey`, to answer
   * a retry with the first result instead of applying the event again. A database failure (after
   * retrying a lost connection for `retryForMs`) throws `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * const r = await engine.send(journeyId, event, { actor, idempotencyKey: `req-${requestId}` });
   * if (r.ok && r.duplicate) console.log('already applied as entry', r.entry.seq); // the store knew the key
   * ```
   */
  async findIdempotencyKey(journeyId: string, key: string): Promise<number | undefined> {
    ({ journeyId, key } = checkStoreArguments('PostgresStore', 'findIdempotencyKey', { journeyId, key }));
    const { rows } = await this.#query<{ seq: number }>('find an idempotency key', journeyId, 'findKey', [journeyId, key]);
    return rows[0]?.seq;
  }

  /**
   * The protocol a commit stored under `ref`, or `undefined` when none did: read from the
   * `protocols` table as stored (a fresh copy per call), unvalidated; the engine checks it against
   * its ref. The engine calls it when it loads a journey whose snapshot refers to a protocol it has
   * not read yet (once per protocol version and engine). A `ref` that is not non-empty, well-formed
   * text throws `CJ_ERR_INVALID_INPUT` and nothing is read; a stored body that is not a JSON object
   * throws `CJ_ERR_CORRUPT_SNAPSHOT` naming the ref, never the content; a database failure
   * `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * const start = (await engine.history(journeyId))[0]!;
   * const stored = await store.loadProtocol(start.payload['protocolRef'] as string);
   * console.log(stored?.definitionId, stored?.createdAt); // the protocol version the journey started under
   * ```
   */
  async loadProtocol(ref: string): Promise<ProtocolRecord | undefined> {
    const args = checkStoreArguments('PostgresStore', 'loadProtocol', { ref });
    const { rows } = await this.#query<ProtocolRow>('load a protocol', undefined, 'loadProtocol', [args.ref]);
    return rows[0] ? toProtocol(rows[0]) : undefined;
  }

  /**
   * One journey's journal entries in `seq` order, from `options.fromSeq` on (default 1), at most
   * `options.limit`; none for an unknown journey. An entry whose stored payload or actor is not a
   * JSON object throws `CJ_ERR_CORRUPT_SNAPSHOT` naming the journey and the entry; a database
   * failure `CJ_ERR_STORE`. The engine calls it for `history` and to answer an idempotent retry;
   * hosts read a journey's history through `engine.history`.
   *
   * @example
   * ```ts
   * const entries = await engine.history(journeyId); // the store's journal, each entry checked
   * ```
   */
  async readJournal(journeyId: string, options?: { fromSeq?: number; limit?: number }): Promise<JournalEntry[]> {
    const args = checkStoreArguments('PostgresStore', 'readJournal', { journeyId, options });
    const { rows } = await this.#query<JournalRow>('read the journal', args.journeyId, 'readJournal', [args.journeyId, args.options?.fromSeq ?? 1, args.options?.limit ?? null]);
    return rows.map(toEntry);
  }

  /**
   * One journey's pending timers, earliest due first, whoever holds a claim on them; none for an
   * unknown journey. A row that cannot be read back is skipped and reported to `onCorruptRow`. The
   * engine reads them when it loads a journey; a host may read them too, e.g. to show what falls
   * due when.
   *
   * @example
   * ```ts
   * for (const timer of await store.listTimers(journeyId)) console.log(timer.key, new Date(timer.dueAt).toISOString());
   * ```
   */
  async listTimers(journeyId: string): Promise<TimerRow[]> {
    ({ journeyId } = checkStoreArguments('PostgresStore', 'listTimers', { journeyId }));
    const { rows } = await this.#query<TimerDbRow>('list timers', journeyId, 'listTimers', [journeyId]);
    return this.#decodeSkipping(rows, toTimer);
  }

  /**
   * Claims the timers due at `now` for this worker, earliest first, at most `limit`: timers
   * nobody holds, or whose holder's lease ran out, or that this worker holds already (so the
   * engine's `runDue` sees the ones it could not fire again). Other workers skip them until the
   * lease runs out; the engine re-checks each timer under the journey's version before firing it,
   * so a timer fires once even if a lease runs out while its worker is still at it. A row that
   * cannot be read back is skipped and reported to `onCorruptRow`. The engine calls it from
   * `runDue`; hosts call `engine.runDue` (or `runWorker`, which does).
   *
   * @example
   * ```ts
   * const fired = await engine.runDue({ limit: 100 }); // claims what is due, fires each timer once
   * ```
   */
  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    ({ now, limit } = checkStoreArguments('PostgresStore', 'dueTimers', { now, limit }));
    const { rows } = await this.#query<TimerDbRow>('claim due timers', undefined, 'claimDueTimers', [this.workerId, this.#leaseMs, now, limit]);
    // The claim's own order (COLLATE "C": UTF-8 bytes, which is code point order).
    rows.sort((a, b) => a.due_at - b.due_at || byCodePoint(a.journey_id, b.journey_id) || byCodePoint(a.key, b.key));
    return this.#decodeSkipping(rows, toTimer);
  }

  /**
   * Claims undelivered outbox items for this worker, oldest first: items nobody holds, or whose
   * holder's lease ran out, or that this worker holds (its own commits claim their items while
   * the engine delivers them, so another process redelivers them only after this one died).
   * Delivered marks still queued are written first. The engine calls it from `recover`; a host
   * calling it would claim the items without delivering them, so it calls `engine.recover`.
   *
   * @example
   * ```ts
   * const redelivered = await engine.recover(); // claims and delivers what a dead process left undelivered
   * ```
   */
  async pendingOutbox(limit: number, journeyId?: string): Promise<OutboxItem[]> {
    ({ limit, journeyId } = checkStoreArguments('PostgresStore', 'pendingOutbox', { limit, journeyId }));
    await this.#flushDelivered();
    const { rows } = await this.#query<OutboxRow>('claim outbox items', journeyId, 'claimOutbox', [this.workerId, this.#leaseMs, limit, journeyId ?? null]);
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    return this.#decodeSkipping(rows, toOutboxItem);
  }

  /**
   * Marks outbox items delivered. The marks are carried by this store's next commit (or written
   * alone within 50 ms when no commit comes), so a delivery costs no transaction of its own. A
   * crash before they are written means those items are delivered again (at least once, with
   * the same ids), never lost. The engine calls it once listeners and plugins have had a
   * commit's items; hosts never call it.
   *
   * @example
   * ```ts
   * // The engine delivers each commit's outbox items, then marks them; a failure to mark is reported:
   * engine.on('delivery.failed', ({ deliveryIds, code }) => console.warn(code, deliveryIds, 'left for recover()'));
   * ```
   */
  async markDelivered(ids: readonly string[]): Promise<void> {
    ({ ids } = checkStoreArguments('PostgresStore', 'markDelivered', { ids }));
    if (ids.length === 0) return;
    this.#assertOpen('mark outbox items delivered', undefined);
    this.#delivered.push(...ids);
    if (this.#delivered.length >= DELIVERED_FLUSH_AT) {
      await this.#flushDelivered();
      return;
    }
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      // A failure here is reported; the marks stay queued for the next commit or flush.
      this.#flushDelivered().catch((error: unknown) => {
        if (isCareJourneyError(error)) this.#onConnectionError(error);
      });
    }, DELIVERED_FLUSH_MS).unref();
  }

  /**
   * Summaries (records without snapshots) of the journeys matching every field given, ordered by
   * id, at most `filter.limit`; `after` pages on from an id. The snapshot column is never read, so
   * a list stays cheap and a damaged snapshot hides no patient from it. `engine.query` checks the
   * filter against the definition, then calls it; a host may call it directly too, e.g. for a list
   * across definitions. A database failure throws `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * const onHold = await store.query({ phase: 'on-hold', status: 'active', limit: 50 });
   * const ofPatient = await store.query({ patientRef: 'pt-8842' }); // every journey of one patient, of any definition
   * ```
   */
  async query(filter: JourneyQuery): Promise<JourneySummary[]> {
    const args = checkStoreArguments('PostgresStore', 'query', { filter });
    const { sql, params } = journeyQuerySql(quoteIdent(this.schema), args.filter as JourneyQuery);
    let name = this.#queryNames.get(sql);
    if (name === undefined) {
      // At most one statement per combination of filter fields (2^6), so the map is bounded.
      name = statementName(this.schema, `query${this.#queryNames.size}`);
      this.#queryNames.set(sql, name);
    }
    const { rows } = await this.#run<SummaryRow>('query journeys', undefined, { name, text: sql, values: [...params] });
    // Summaries never read the snapshot column, so a list stays cheap and a damaged snapshot
    // cannot hide a patient from it.
    return rows.map(toSummary);
  }

  /**
   * Deletes outbox rows delivered before an instant, so the table does not grow without bound.
   * Undelivered rows are always kept. Returns how many rows went.
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
    await this.#flushDelivered();
    const { rowCount } = await this.#query('prune delivered outbox rows', undefined, 'pruneDelivered', [new Date(instant).toISOString()]);
    return rowCount ?? 0;
  }

  /**
   * How many undelivered outbox items no live worker holds: items whose committing process died
   * (its lease ran out) or that a worker released. `runWorker` calls `engine.recover()` when this
   * is above zero. Delivered marks still queued are written first.
   *
   * @example
   * ```ts
   * // A loop of your own instead of runWorker:
   * if ((await store.unclaimedOutbox()) > 0) await engine.recover();
   * ```
   */
  async unclaimedOutbox(): Promise<number> {
    await this.#flushDelivered();
    const { rows } = await this.#query<{ n: number }>('count unclaimed outbox items', undefined, 'unclaimedOutbox', []);
    return rows[0]?.n ?? 0;
  }

  /**
   * Gives up this worker's claims on timers, so other workers may fire them at once instead of
   * after the lease. `runWorker` calls it when it stops, and `close` does too.
   *
   * @example
   * ```ts
   * // Stopping a loop of your own, with the store kept open: the timers this worker could not fire go to the others.
   * clearInterval(loop);
   * await store.releaseTimerClaims();
   * ```
   */
  async releaseTimerClaims(): Promise<void> {
    await this.#query('release timer claims', undefined, 'releaseTimers', [this.workerId]);
  }

  /**
   * Listens on {@link notifyChannel} over a connection of its own: `onTimerSet` gets the due time
   * (epoch ms) of each timer a commit set due within `notifyWithinMs`. `runWorker` uses it to
   * wake before its next poll. `onError` hears about a broken connection; the subscription is
   * then dead and the caller subscribes again.
   *
   * @example
   * ```ts
   * const subscription = await store.listenForTimers((dueAt) => console.log('timer due at', new Date(dueAt)));
   * await subscription.close();
   * ```
   */
  async listenForTimers(onTimerSet: (dueAt: number) => void, onError: (error: CareJourneyError) => void = () => undefined): Promise<TimerSubscription> {
    await this.#ensureReady('listen for timers', undefined);
    const client = new pg.Client(this.#clientConfig);
    let open = true;
    const fail = (error: unknown) => {
      if (!open) return;
      open = false;
      this.#subscriptions.delete(subscription);
      client.end().catch(() => undefined);
      onError(storeError('listen for timers', undefined, error));
    };
    const subscription: TimerSubscription = {
      close: async () => {
        if (!open) return;
        open = false;
        this.#subscriptions.delete(subscription);
        await client.end().catch(() => undefined);
      },
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('Connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== this.notifyChannel) return;
      const dueAt = Number(message.payload);
      if (Number.isFinite(dueAt)) onTimerSet(dueAt);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.notifyChannel)}`);
    } catch (error) {
      open = false;
      await client.end().catch(() => undefined);
      throw storeError('listen for timers', undefined, error);
    }
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Writes queued delivered marks, gives up this worker's claims (so other workers take over at
   * once), closes LISTEN subscriptions and ends the pool. Calling it again does nothing; reads
   * and writes of a closed store throw `CJ_ERR_STORE`.
   *
   * @example
   * ```ts
   * stop.abort(); // ends runWorker's loop
   * await worker;
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#ready !== undefined) {
        await this.#flushDelivered().catch(() => undefined);
        await this.#query('release claims', undefined, 'releaseTimers', [this.workerId]).catch(() => undefined);
        await this.#query('release claims', undefined, 'releaseOutbox', [this.workerId]).catch(() => undefined);
      }
    } finally {
      this.#closed = true;
      if (this.#flushTimer) clearTimeout(this.#flushTimer);
      for (const subscription of [...this.#subscriptions]) await subscription.close();
      await this.#pool.end().catch(() => undefined);
    }
  }

  // ------------------------------------------------------------------ internals

  /**
   * After a connection broke during a commit: did it land? Reads the journal row of the entry's
   * seq (or the journey row) and its commit id, on a fresh connection. `absent` when the journey
   * is still at the expected version (safe to send again), `conflict` when another writer's
   * commit holds the place, `unknown` when it cannot be told.
   */
  async #commitOutcome(c: JourneyCommit, commitId: string, deadline: number): Promise<'applied' | 'absent' | 'conflict' | 'unknown'> {
    const id = c.journey.id;
    try {
      if (c.entry) {
        const { rows } = await this.#query<{ commit_id: string | null }>('commit', id, 'journalCommit', [id, c.entry.seq], deadline);
        if (rows[0]) return rows[0].commit_id === commitId ? 'applied' : 'conflict';
      }
      const { rows } = await this.#query<{ version: number; commit_id: string | null }>('commit', id, 'journeyVersion', [id], deadline);
      if (rows[0]?.commit_id === commitId) return 'applied';
      if ((rows[0]?.version ?? 0) === c.expectedVersion) return 'absent';
      return c.entry ? 'conflict' : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /**
   * Waits (until the deadline) for backends to leave `pg_stat_activity`: a backend that is gone
   * has committed or rolled back its statement. `false` when one still runs or it cannot be told.
   */
  async #backendsGone(journeyId: string, pids: readonly number[], deadline: number): Promise<boolean> {
    if (pids.some((pid) => pid < 0)) return false;
    for (let attempt = 0; ; attempt++) {
      try {
        const { rows } = await this.#query<{ n: number }>('commit', journeyId, 'backendsAlive', [pids], deadline);
        if (rows[0]?.n === 0) return true;
      } catch {
        return false;
      }
      if (Date.now() >= deadline || this.#closed) return false;
      await sleep(Math.min(50, 5 * 2 ** attempt));
    }
  }

  #takeDelivered(): string[] {
    if (this.#delivered.length === 0) return [];
    const taken = this.#delivered;
    this.#delivered = [];
    return taken;
  }

  #requeueDelivered(ids: readonly string[]): void {
    if (ids.length > 0) this.#delivered.unshift(...ids);
  }

  /** Writes the queued delivered marks now (one statement), unless a flush is under way. */
  async #flushDelivered(): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    const ids = this.#takeDelivered();
    if (ids.length === 0) return;
    this.#flushing = this.#query('mark outbox items delivered', undefined, 'markDelivered', [ids]).then(
      () => undefined,
      (error: unknown) => {
        this.#requeueDelivered(ids);
        throw error;
      },
    );
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Creates or migrates the schema once; a failure is retried by the next call. */
  async #ensureReady(action: string, journeyId: string | undefined): Promise<void> {
    this.#assertOpen(action, journeyId);
    this.#ready ??= (async () => {
      const deadline = Date.now() + this.#retryForMs;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.#withClient((client) => migrateSchema(client, this.schema));
          return;
        } catch (error) {
          if (isCareJourneyError(error)) throw error;
          const cause = error instanceof NotSent ? error.original : error;
          const failure = error instanceof NotSent ? 'unreachable' : classifyPgError(error);
          // DDL runs in a transaction, so a broken connection left nothing half-created.
          const retry = failure !== 'other' && failure !== 'unique' && Date.now() < deadline && !this.#closed;
          if (failure !== 'other' && failure !== 'unique') this.#reportConnection('prepare the schema', undefined, cause, retry);
          if (!retry) throw storeError(`prepare schema "${this.schema}"`, undefined, cause);
          await sleep(backoff(attempt));
        }
      }
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
  }

  /** Runs one of the fixed statements; see {@link #run}. */
  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    action: string,
    journeyId: string | undefined,
    name: Exclude<StatementName, 'commit'>,
    values: unknown[],
    deadline?: number,
  ): Promise<pg.QueryResult<R>> {
    return this.#run<R>(action, journeyId, { name: this.#names[name], text: this.#sql[name], values }, deadline);
  }

  /**
   * Runs a statement that is safe to repeat (a read, a claim by this worker, a delivered mark):
   * a lost connection or a deadlock is retried on a fresh connection until the deadline; then,
   * and for every other database error, it fails with `CJ_ERR_STORE` naming the action.
   */
  async #run<R extends pg.QueryResultRow>(action: string, journeyId: string | undefined, query: pg.QueryConfig, deadline?: number): Promise<pg.QueryResult<R>> {
    await this.#ensureReady(action, journeyId);
    const until = deadline ?? Date.now() + this.#retryForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#withClient((client) => client.query<R>(query));
      } catch (error) {
        const cause = error instanceof NotSent ? error.original : error;
        const failure = error instanceof NotSent ? 'unreachable' : classifyPgError(error);
        const transient = failure === 'connection' || failure === 'unreachable' || failure === 'retry';
        const retry = transient && Date.now() < until && !this.#closed;
        if (failure === 'connection' || failure === 'unreachable') this.#reportConnection(action, journeyId, cause, retry);
        if (!retry) throw storeError(action, journeyId, cause);
        await sleep(backoff(attempt));
      }
    }
  }

  /** Borrows a pooled connection; a connection that broke is destroyed instead of returned. */
  async #withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw new NotSent(error);
    }
    // While borrowed, a connection has no pool listener: a socket error between two of its
    // queries would otherwise be an uncaught 'error' event. The query in flight fails anyway.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      const result = await fn(client);
      if (broken === undefined) client.off('error', onError);
      client.release(broken);
      return result;
    } catch (error) {
      const lost = broken ?? (classifyPgError(error) === 'connection' ? (error as Error) : undefined);
      // A lost connection is discarded, and late socket errors may still arrive on it: keep
      // the listener so they go nowhere. A healthy one gets the pool's listener back.
      if (lost === undefined) client.off('error', onError);
      client.release(lost);
      throw error;
    }
  }

  #reportConnection(action: string, journeyId: string | undefined, error: unknown, retried: boolean): void {
    const notice = storeError(action, journeyId, error, retried ? 'retrying on a new connection' : undefined);
    try {
      this.#onConnectionError(notice);
    } catch {
      // A listener's failure must not change the store's outcome.
    }
  }

  #assertOpen(action: string, journeyId: string | undefined): void {
    if (this.#closed) throw storeError(action, journeyId, new Error('the store is closed'));
  }

  /** Decodes rows, skipping (and reporting) the ones that cannot be decoded. */
  #decodeSkipping<TRow, T>(rows: readonly TRow[], decode: (row: TRow) => T): T[] {
    const good: T[] = [];
    for (const row of rows) {
      try {
        good.push(decode(row));
      } catch (error) {
        if (!isCareJourneyError(error, 'CJ_ERR_CORRUPT_SNAPSHOT')) throw error;
        this.#onCorruptRow(error);
      }
    }
    return good;
  }
}

function invalidOption(name: string, rule: string): CareJourneyError {
  return new CareJourneyError('CJ_ERR_INVALID_CONFIG', `PostgresStore option ${name} ${rule}.`, {
    issues: [{ path: name, rule: 'invalid_option', message: rule }],
  });
}

/** Backoff between retries of a lost connection: 20, 40, 80 ... ms, at most 500. */
function backoff(attempt: number): number {
  return Math.min(500, 20 * 2 ** attempt);
}

function storeError(action: string, journeyId: string | undefined, error: unknown, what?: string): CareJourneyError {
  const subject = journeyId === undefined ? '' : ` for journey "${journeyId}"`;
  return new CareJourneyError(
    'CJ_ERR_STORE',
    `PostgresStore could not ${action}${subject}: ${describePgError(error)}${what === undefined ? '' : `; ${what}`}.`,
    journeyId === undefined ? {} : { journeyId },
    { cause: error },
  );
}

/** A used idempotency key or outbox id: the commit clashed and changed nothing. */
function uniqueConflict(c: JourneyCommit, error: unknown): CareJourneyError {
  const id = c.journey.id;
  const constraint = constraintOf(error);
  if (constraint === 'idempotency_keys_pkey' && c.idempotencyKey !== undefined) {
    return conflictError(id, c.expectedVersion, c.expectedVersion, { idempotencyKey: c.idempotencyKey });
  }
  if (constraint === 'outbox_id_key') {
    // The row's key is in `detail`; outbox ids are the engine's (journey id, version, index).
    const detail = (error as { detail?: unknown }).detail;
    const match = typeof detail === 'string' ? /\(id\)=\((.*)\) already exists/.exec(detail) : null;
    const clash = c.outbox.find((o) => o.id === match?.[1]) ?? c.outbox[0];
    if (clash) return conflictError(id, c.expectedVersion, c.expectedVersion, { outboxId: clash.id });
  }
  return conflictError(id, c.expectedVersion, undefined);
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

function toProtocol(row: ProtocolRow): ProtocolRecord {
  const where = { protocolRef: row.ref, column: 'protocols.body' };
  const protocol = readStoredJson(row.body, where);
  if (protocol === null || typeof protocol !== 'object' || Array.isArray(protocol)) throw corruptRow(where, 'is not a JSON object');
  return { ref: row.ref, definitionId: row.definition_id, protocol: protocol as Record<string, unknown>, createdAt: row.created_at };
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
