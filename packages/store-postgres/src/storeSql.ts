import { type CommitTexts, type JourneyCommit, type ProtocolRecord } from '@carejourney/core';
import { SUMMARY_COLUMNS } from './journeyQuerySql.js';
import { statePaths } from './statePaths.js';

const TIMER_COLUMNS = 'journey_id, key, owner, due_at, event::text AS event, payload::text AS payload';
const OUTBOX_COLUMNS = 'seq, id, journey_id, kind, type, payload::text AS payload, created_at';
const JOURNAL_COLUMNS =
  'journey_id, seq, kind, type, payload::text AS payload, actor::text AS actor, at, recorded_at, from_state, to_state, definition_version, idempotency_key';

/** `$1 * 1 ms` from the database's clock: leases are measured on the server, never the host. */
const leaseFrom = (param: string) => `clock_timestamp() + ${param} * interval '1 millisecond'`;

/**
 * Every statement of `PostgresStore` for one schema (given quoted). Each runs as a named prepared
 * statement, so PostgreSQL parses and plans it once per connection. Each read that runs often
 * has an index behind it (see `migrateSchema`); the tests check the query plans with EXPLAIN.
 */
export function storeSql(s: string) {
  return {
    loadJourney: `SELECT ${SUMMARY_COLUMNS}, snapshot::text AS snapshot FROM ${s}.journeys WHERE id = $1`,
    journeyVersion: `SELECT version, commit_id FROM ${s}.journeys WHERE id = $1`,
    journalCommit: `SELECT commit_id FROM ${s}.journal WHERE journey_id = $1 AND seq = $2`,
    readJournal: `SELECT ${JOURNAL_COLUMNS} FROM ${s}.journal WHERE journey_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
    findKey: `SELECT seq FROM ${s}.idempotency_keys WHERE journey_id = $1 AND key = $2`,
    loadProtocol: `SELECT ref, definition_id, body::text AS body, created_at FROM ${s}.protocols WHERE ref = $1`,
    listTimers: `SELECT ${TIMER_COLUMNS} FROM ${s}.timers WHERE journey_id = $1 ORDER BY due_at, key`,
    /**
     * Claims due timers for this worker ($1) for a lease of $2 ms: timers due by $3 that nobody
     * holds (or this worker holds already), earliest first, at most $4. SKIP LOCKED passes over
     * rows another worker is claiming at this moment, so concurrent workers get disjoint batches.
     *
     * The rows the sub-select locked are updated by their ctid (a TID scan), not joined back on
     * their key: a generic plan (`plan_cache_mode = force_generic_plan`, or PostgreSQL choosing
     * one for a statement prepared long ago) cannot know the limit and would hash-join the batch
     * against a scan of the whole table. A locked row cannot move before the update. A row whose
     * newer version was committed after the statement began is locked but not updated, so it is
     * left for the next claim: never claimed twice, at worst claimed one pass later.
     */
    claimDueTimers: `UPDATE ${s}.timers SET claimed_by = $1, lease_until = ${leaseFrom('$2')}
      WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM ${s}.timers
        WHERE due_at <= $3 AND (lease_until < clock_timestamp() OR claimed_by = $1)
        ORDER BY due_at, journey_id, key
        LIMIT $4
        FOR UPDATE SKIP LOCKED
      ))
      RETURNING ${TIMER_COLUMNS}`,
    /** Claims undelivered outbox items, oldest first, the same way ($5: one journey or NULL). */
    claimOutbox: `UPDATE ${s}.outbox o SET claimed_by = $1, lease_until = ${leaseFrom('$2')}
      FROM (
        SELECT seq FROM ${s}.outbox
        WHERE delivered_at IS NULL AND (lease_until < clock_timestamp() OR claimed_by = $1)
          AND ($4::text IS NULL OR journey_id = $4)
        ORDER BY seq
        LIMIT $3
        FOR UPDATE SKIP LOCKED
      ) pending
      WHERE o.seq = pending.seq
      RETURNING o.seq, o.id, o.journey_id, o.kind, o.type, o.payload::text AS payload, o.created_at`,
    /** Undelivered items no live worker holds: what a recovery pass would pick up now. */
    unclaimedOutbox: `SELECT count(*)::int AS n FROM ${s}.outbox WHERE delivered_at IS NULL AND lease_until < clock_timestamp()`,
    markDelivered: `UPDATE ${s}.outbox SET delivered_at = now() WHERE id = ANY($1::text[]) AND delivered_at IS NULL`,
    /** How many of the backends $1 (process ids) still run: until one is gone, its statement may still commit. */
    backendsAlive: `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])`,
    releaseTimers: `UPDATE ${s}.timers SET claimed_by = NULL, lease_until = '-infinity' WHERE claimed_by = $1`,
    releaseOutbox: `UPDATE ${s}.outbox SET claimed_by = NULL, lease_until = '-infinity' WHERE claimed_by = $1 AND delivered_at IS NULL`,
    // Undelivered rows are never deleted, whatever the instant; protocols never are.
    pruneDelivered: `DELETE FROM ${s}.outbox WHERE delivered_at IS NOT NULL AND delivered_at < $1`,
    commit: commitSql(s),
  } as const;
}

export type StoreSql = ReturnType<typeof storeSql>;

/**
 * The whole commit as one statement: PostgreSQL runs a statement atomically, so the journey row
 * (with the expected-version check), the journal entry, the idempotency key, the timers, the
 * outbox items, the protocols the commit brings, the delivered marks queued since the last commit
 * and the wake-up notification are written together or not at all, in one round trip. Every write
 * hangs off `ok`, the journey row that was updated (or inserted, for expected version 0): when the
 * version check fails, `ok` is empty and nothing but the delivered marks is written. A used
 * idempotency key or outbox id violates a unique key and fails the whole statement. A protocol
 * whose ref is stored already is skipped (`ON CONFLICT DO NOTHING`), never overwritten: a ref
 * names its content. Two commits bringing the same new ref at once serialize on its key; the
 * second skips it once the first has committed (or inserts it, if the first rolled back).
 *
 * Parameters:
 * $1 id, $2 expected version, $3 definition id, $4 definition version, $5 patient ref,
 * $6 version, $7 last seq, $8 snapshot JSON, $9 state, $10 state paths, $11 phase, $12 status,
 * $13 created at, $14 updated at, $15 commit id;
 * $16 has entry, $17 seq, $18 kind, $19 type, $20 payload JSON, $21 actor JSON, $22 at,
 * $23 recorded at, $24 from, $25 to, $26 definition version, $27 entry's idempotency key;
 * $28 the commit's idempotency key; $29 timer keys to cancel;
 * $30-$34 timers to set (keys, owners, due times, event JSON, payload JSON);
 * $35-$40 outbox items (ids, journey ids, kinds, types, payload JSON, created at);
 * $41 this worker, $42 lease in ms; $43 outbox ids delivered; $44 notify channel, $45 notify payload;
 * $46 the timer this commit fires, which must still be pending (see {@link firedTimerOf});
 * $47-$50 protocols (refs, definition ids, body JSON, created at; see {@link protocolsOf}).
 */
function commitSql(s: string): string {
  return `WITH
    updated AS (
      UPDATE ${s}.journeys SET definition_id = $3, definition_version = $4, patient_ref = $5, version = $6, last_seq = $7,
        snapshot = $8::json, state = $9, state_paths = $10::text[], phase = $11, status = $12, created_at = $13, updated_at = $14, commit_id = $15
      WHERE id = $1 AND version = $2 AND ($46::text IS NULL OR EXISTS (SELECT 1 FROM ${s}.timers WHERE journey_id = $1 AND key = $46))
      RETURNING id
    ),
    inserted AS (
      INSERT INTO ${s}.journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at, commit_id)
      SELECT $1, $3, $4, $5, $6, $7, $8::json, $9, $10::text[], $11, $12, $13, $14, $15 WHERE $2::integer = 0
      ON CONFLICT (id) DO NOTHING
      RETURNING id
    ),
    ok AS (SELECT id FROM updated UNION ALL SELECT id FROM inserted),
    journal AS (
      INSERT INTO ${s}.journal (journey_id, seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version, idempotency_key, commit_id)
      SELECT ok.id, $17, $18, $19, $20::json, $21::json, $22, $23, $24, $25, $26, $27, $15 FROM ok WHERE $16::boolean
      RETURNING 1
    ),
    keyed AS (
      INSERT INTO ${s}.idempotency_keys (journey_id, key, seq) SELECT ok.id, $28, $17 FROM ok WHERE $28::text IS NOT NULL
      RETURNING 1
    ),
    cancelled AS (
      DELETE FROM ${s}.timers t USING ok WHERE t.journey_id = ok.id AND t.key = ANY($29::text[])
      RETURNING 1
    ),
    timers AS (
      INSERT INTO ${s}.timers (journey_id, key, owner, due_at, event, payload)
      SELECT ok.id, x.key, x.owner, x.due_at, x.event::json, x.payload::json
      FROM ok, unnest($30::text[], $31::text[], $32::float8[], $33::text[], $34::text[]) AS x(key, owner, due_at, event, payload)
      ON CONFLICT (journey_id, key) DO UPDATE SET owner = excluded.owner, due_at = excluded.due_at, event = excluded.event,
        payload = excluded.payload, claimed_by = NULL, lease_until = '-infinity'
      RETURNING 1
    ),
    outbox AS (
      INSERT INTO ${s}.outbox (id, journey_id, kind, type, payload, created_at, claimed_by, lease_until)
      SELECT x.id, x.journey_id, x.kind, x.type, x.payload::json, x.created_at, $41, ${leaseFrom('$42')}
      FROM ok, unnest($35::text[], $36::text[], $37::text[], $38::text[], $39::text[], $40::text[]) WITH ORDINALITY
        AS x(id, journey_id, kind, type, payload, created_at, n)
      ORDER BY x.n
      RETURNING 1
    ),
    protocols AS (
      INSERT INTO ${s}.protocols (ref, definition_id, body, created_at)
      SELECT x.ref, x.definition_id, x.body::json, x.created_at
      FROM ok, unnest($47::text[], $48::text[], $49::text[], $50::text[]) WITH ORDINALITY AS x(ref, definition_id, body, created_at, n)
      ORDER BY x.n
      ON CONFLICT (ref) DO NOTHING
      RETURNING 1
    ),
    delivered AS (
      UPDATE ${s}.outbox SET delivered_at = now() WHERE id = ANY($43::text[]) AND delivered_at IS NULL
      RETURNING 1
    ),
    notified AS (SELECT pg_notify($44, $45) FROM ok WHERE $45::text IS NOT NULL)
    SELECT (SELECT count(*) FROM ok)::int AS applied, (SELECT count(*) FROM notified)::int AS notified`;
}

/** What a commit statement needs besides the commit itself. */
export interface CommitContext {
  /** A fresh id per commit call, read back after a lost connection. */
  readonly commitId: string;
  /** The worker that claims the commit's outbox items while it delivers them. */
  readonly workerId: string;
  /** How long that claim lasts (ms). */
  readonly leaseMs: number;
  /** Outbox ids delivered since the last commit. */
  readonly delivered: readonly string[];
  readonly notifyChannel: string;
  /** A timer due within this many ms of the commit's time notifies the channel. */
  readonly notifyWithinMs: number;
}

/**
 * The parameters of the commit statement ({@link storeSql}'s `commit`), in order, with the JSON
 * values `commitTexts` serialized (once per commit, not per attempt).
 */
export function commitValues(c: JourneyCommit, ctx: CommitContext, texts: CommitTexts): unknown[] {
  const j = c.journey;
  // By holder: timers and protocols are deduplicated and reordered below.
  const json = {
    ...texts,
    timers: new Map(c.timersToSet.map((t, i) => [t, texts.timers[i]])),
    protocols: new Map((c.protocols ?? []).map((p, i) => [p, texts.protocols[i]])),
  };
  const e = c.entry;
  // Last write wins for a key set twice; a key both cancelled and set is replaced by the set
  // (one statement may not touch a row twice).
  const timers = new Map(c.timersToSet.map((t) => [t.key, t]));
  const cancel = c.timersToCancel.filter((key) => !timers.has(key));
  const set = [...timers.values()];
  const protocols = protocolsOf(c);
  const updatedAt = Date.parse(j.updatedAt);
  const soonest = set.reduce((min, t) => Math.min(min, t.dueAt), Number.POSITIVE_INFINITY);
  const notify = Number.isFinite(soonest) && Number.isFinite(updatedAt) && soonest <= updatedAt + ctx.notifyWithinMs ? String(soonest) : null;
  return [
    j.id,
    c.expectedVersion,
    j.definitionId,
    j.definitionVersion,
    j.patientRef,
    j.version,
    j.lastSeq,
    json.snapshot,
    j.state,
    statePaths(j.state),
    j.phase,
    j.status,
    j.createdAt,
    j.updatedAt,
    ctx.commitId,
    e !== undefined,
    e?.seq ?? null,
    e?.kind ?? null,
    e?.type ?? null,
    json.entry?.payload ?? null,
    json.entry?.actor ?? null,
    e?.at ?? null,
    e?.recordedAt ?? null,
    e?.from ?? null,
    e?.to ?? null,
    e?.definitionVersion ?? null,
    e?.idempotencyKey ?? null,
    e !== undefined && c.idempotencyKey !== undefined ? c.idempotencyKey : null,
    cancel,
    set.map((t) => t.key),
    set.map((t) => t.owner),
    set.map((t) => t.dueAt),
    set.map((t) => json.timers.get(t)?.event ?? null),
    set.map((t) => json.timers.get(t)?.payload ?? null),
    c.outbox.map((o) => o.id),
    c.outbox.map((o) => o.journeyId),
    c.outbox.map((o) => o.kind),
    c.outbox.map((o) => o.type),
    c.outbox.map((_, i) => texts.outbox[i] ?? null),
    c.outbox.map((o) => o.createdAt),
    ctx.workerId,
    ctx.leaseMs,
    ctx.delivered,
    ctx.notifyChannel,
    notify,
    firedTimerOf(c),
    protocols.map((p) => p.ref),
    protocols.map((p) => p.definitionId),
    protocols.map((p) => json.protocols.get(p) ?? null),
    protocols.map((p) => p.createdAt),
  ];
}

/**
 * The protocols a commit writes: the first of each ref (as against a stored one, later ones of
 * the same ref are never written), in byte order of their refs, so two commits bringing the same
 * refs take their keys' locks in the same order and cannot deadlock. Usually none: the engine
 * brings a protocol only with the first commit that refers to it.
 */
export function protocolsOf(c: JourneyCommit): ProtocolRecord[] {
  if (c.protocols === undefined || c.protocols.length === 0) return [];
  const first = new Map<string, ProtocolRecord>();
  for (const p of c.protocols) if (!first.has(p.ref)) first.set(p.ref, p);
  return [...first.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

/**
 * The timer a commit fires: the first key it cancels, when the commit records a firing (a journal
 * entry of kind `timer`, or a plugin's `timer` outbox item). The commit applies only while that
 * timer is still pending. The engine reads a timer and loads its journey in two steps, so a worker
 * whose claim ran out may load the journey just after another worker fired the timer, at the new
 * version; without this condition its commit would pass the version check and fire the timer twice.
 */
export function firedTimerOf(c: JourneyCommit): string | null {
  const fires = c.entry?.kind === 'timer' || c.outbox.some((o) => o.kind === 'timer');
  return fires ? (c.timersToCancel[0] ?? null) : null;
}
