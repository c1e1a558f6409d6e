// Protocols stored once per ref in the `protocols` table: commits from several stores at once, a
// commit whose backend dies while it waits on a protocol's key, damaged rows, refused arguments.
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isCareJourneyError, ManualClock, type CareJourneyError, type JourneyCommit, type ProtocolRecord } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { PostgresStore, type PostgresStoreOptions } from '../src/index.js';
import { sleep } from './helpers/spawnChild.js';
import { dropTestSchemas, openTestStore, rawClient, testSchema } from './helpers/testDb.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const open: { close(): Promise<unknown> }[] = [];
let db: pg.Client;
beforeAll(async () => {
  db = await rawClient();
});
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});
afterAll(async () => {
  await db.end();
  await dropTestSchemas();
});

async function openStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const store = await openTestStore(options);
  open.push(store);
  return store;
}

async function rejection(p: Promise<unknown>): Promise<CareJourneyError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCareJourneyError(error)) throw new Error(`expected a CareJourneyError, got ${String(error)}`);
  return error;
}

const REF = `sha256:${'ab'.repeat(32)}`;

function protocolOf(note: string, ref = REF): ProtocolRecord {
  return { ref, definitionId: 'clinic-visit', protocol: { timeZone: 'Europe/Berlin', observationMinutes: 60, note }, createdAt: new Date(T0).toISOString() };
}

/** A first commit of journey `id` bringing `protocols`. */
function startCommit(id: string, protocols: ProtocolRecord[]): JourneyCommit {
  const at = new Date(T0).toISOString();
  return {
    journey: {
      id,
      definitionId: 'clinic-visit',
      definitionVersion: 2,
      patientRef: `pt-${id}`,
      version: 1,
      lastSeq: 1,
      snapshot: { status: 'active', value: 'referral', context: { protocol: { $protocolRef: REF } } },
      state: 'referral',
      phase: 'referral',
      status: 'active',
      createdAt: at,
      updatedAt: at,
    },
    expectedVersion: 0,
    entry: {
      journeyId: id,
      seq: 1,
      kind: 'start',
      type: 'journey.start',
      payload: { protocolRef: REF },
      actor: actors.coordinator,
      at,
      recordedAt: at,
      from: null,
      to: 'referral',
      definitionVersion: 2,
    },
    timersToSet: [],
    timersToCancel: [],
    outbox: [{ id: `${id}:1:0`, journeyId: id, kind: 'effect', type: 'test.effect', payload: { n: 1 }, createdAt: at }],
    protocols,
  };
}

const rowsOf = async (schema: string) =>
  (await db.query(`SELECT ref, definition_id, body::text AS body, created_at FROM "${schema}".protocols ORDER BY ref`)).rows as { ref: string; body: string }[];

/** Waits until `n` backends of `application` wait for a lock (a row's key another transaction holds). */
async function untilWaiting(application: string, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [application]);
    if (rows[0].n >= n) return;
    if (Date.now() > deadline) throw new Error(`${n} backends of ${application} never waited for the lock`);
    await sleep(10);
  }
}

describe('PostgresStore protocols', () => {
  it('lets two stores commit the same new protocol at once: both commits land, one row is kept, the first to commit', async () => {
    const schema = testSchema('proto_race');
    const application = `cj-race-${schema}`;
    const a = await openStore({ schema, workerId: 'a', connection: { application_name: application } });
    const b = await openStore({ schema, workerId: 'b', connection: { application_name: application } });
    // Unsynchronized, many times over: every pair lands and one row per ref remains.
    for (let round = 0; round < 10; round++) {
      const ref = `sha256:${round.toString(16).padStart(64, '0')}`;
      await Promise.all([a.commit(startCommit(`a${round}`, [protocolOf('from a', ref)])), b.commit(startCommit(`b${round}`, [protocolOf('from b', ref)]))]);
      expect((await a.load(`a${round}`))?.version).toBe(1);
      expect((await b.load(`b${round}`))?.version).toBe(1);
    }
    expect((await rowsOf(schema)).length).toBe(10);

    // Truly at the same moment: a third transaction holds the new ref's key, both commits wait on
    // it, then it rolls back and they go on. The one that inserts first keeps the row; the other
    // waits for it to commit and skips the ref.
    const holder = await rawClient();
    try {
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO "${schema}".protocols (ref, definition_id, body, created_at) VALUES ($1, 'clinic-visit', '{"note":"rolled back"}', '')`, [REF]);
      const both = Promise.all([a.commit(startCommit('ja', [protocolOf('from a')])), b.commit(startCommit('jb', [protocolOf('from b')]))]);
      await untilWaiting(application, 2);
      await holder.query('ROLLBACK');
      await both;
    } finally {
      await holder.end();
    }
    const kept = (await rowsOf(schema)).filter((r) => r.ref === REF);
    expect(kept).toHaveLength(1);
    expect(['from a', 'from b']).toContain((JSON.parse(kept[0]!.body) as { note: string }).note);
    expect(await a.loadProtocol(REF)).toEqual(await b.loadProtocol(REF));
    expect((await a.load('ja'))?.version).toBe(1);
    expect((await b.load('jb'))?.version).toBe(1);
  });

  it('never overwrites a protocol committed while a commit bringing the same ref waited for it', async () => {
    const schema = testSchema('proto_keep');
    const application = `cj-keep-${schema}`;
    const store = await openStore({ schema, connection: { application_name: application } });
    const holder = await rawClient();
    try {
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO "${schema}".protocols (ref, definition_id, body, created_at) VALUES ($1, 'clinic-visit', '{"note":"first"}', 'then')`, [REF]);
      const waiting = store.commit(startCommit('j1', [protocolOf('second')]));
      await untilWaiting(application, 1);
      await holder.query('COMMIT');
      await waiting;
    } finally {
      await holder.end();
    }
    expect(await store.loadProtocol(REF)).toEqual({ ref: REF, definitionId: 'clinic-visit', protocol: { note: 'first' }, createdAt: 'then' });
    expect((await store.load('j1'))?.version).toBe(1);
  });

  it('keeps the first of a ref a commit brings twice, and writes a commit without protocols as before', async () => {
    const store = await openStore();
    const other = protocolOf('other', `sha256:${'0'.repeat(64)}`);
    await store.commit(startCommit('j1', [protocolOf('first'), other, protocolOf('second')]));
    expect((await store.loadProtocol(REF))?.protocol['note']).toBe('first');
    expect(await store.loadProtocol(other.ref)).toEqual(other);
    await store.commit(startCommit('j2', []));
    const { protocols: _none, ...without } = startCommit('j3', []);
    await store.commit(without);
    expect((await rowsOf(store.schema)).length).toBe(2);
    expect((await store.query({})).map((j) => j.id)).toEqual(['j1', 'j2', 'j3']);
  });

  it('stores a commit whose backend was terminated while it waited on a protocol key once, with its protocol', async () => {
    const schema = testSchema('proto_kill');
    const application = `cj-kill-${schema}`;
    const faults: CareJourneyError[] = [];
    const store = await openStore({ schema, connection: { application_name: application }, onConnectionError: (e) => faults.push(e) });
    const holder = await rawClient();
    try {
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO "${schema}".protocols (ref, definition_id, body, created_at) VALUES ($1, 'clinic-visit', '{}', '')`, [REF]);
      const committing = store.commit(startCommit('j1', [protocolOf('from the store')]));
      await untilWaiting(application, 1);
      // The statement dies with its backend (rolled back); the store finds nothing landed and sends it again.
      await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [application]);
      await untilWaiting(application, 1);
      await holder.query('ROLLBACK');
      await committing;
    } finally {
      await holder.end();
    }
    expect(faults.length).toBeGreaterThan(0);
    expect((await store.loadProtocol(REF))?.protocol['note']).toBe('from the store');
    expect(await store.readJournal('j1')).toHaveLength(1);
    expect((await store.pendingOutbox(10, 'j1')).map((o) => o.id)).toEqual(['j1:1:0']);
  });

  it('keeps no protocol of a commit refused for a used idempotency key or a stored outbox id', async () => {
    const store = await openStore();
    await store.commit(startCommit('j1', []));
    const record = (await store.load('j1'))!;
    const next = (over: Partial<JourneyCommit>): JourneyCommit => ({
      journey: { ...record, version: 2 },
      expectedVersion: 1,
      timersToSet: [],
      timersToCancel: [],
      outbox: [],
      protocols: [protocolOf('refused')],
      ...over,
    });
    await store.commit(next({ idempotencyKey: 'k', entry: { ...startCommit('j1', []).entry!, seq: 2, kind: 'event', type: 'ev', idempotencyKey: 'k' }, protocols: [] }));
    const record2 = (await store.load('j1'))!;
    const keyed = { ...next({}), journey: { ...record2, version: 3 }, expectedVersion: 2, idempotencyKey: 'k', entry: { ...startCommit('j1', []).entry!, seq: 3, kind: 'event' as const, type: 'ev' } };
    expect((await rejection(store.commit(keyed))).code).toBe('CJ_ERR_CONFLICT');
    const clashing = { ...next({}), journey: { ...record2, version: 3 }, expectedVersion: 2, outbox: [{ ...startCommit('j1', []).outbox[0]! }] };
    expect((await rejection(store.commit(clashing))).code).toBe('CJ_ERR_CONFLICT');
    expect(await store.loadProtocol(REF)).toBeUndefined();
    expect(await rowsOf(store.schema)).toEqual([]);
  });

  it('refuses a commit bringing a malformed protocol record, writing nothing', async () => {
    const store = await openStore();
    const bad = startCommit('j1', [{ ...protocolOf('x'), ref: 'not-a-hash' }]);
    const error = await rejection(store.commit(bad));
    expect(error.code).toBe('CJ_ERR_INVALID_INPUT');
    expect(error.details.issues?.[0]?.path).toBe('commit.protocols[0].ref');
    expect(await store.load('j1')).toBeUndefined();
    expect(await rowsOf(store.schema)).toEqual([]);
  });

  it('reads a damaged protocol body as CJ_ERR_CORRUPT_SNAPSHOT naming the ref, never the content, and leaves the row alone', async () => {
    const store = await openStore();
    await store.commit(startCommit('j1', [protocolOf('intact')]));
    const s = `"${store.schema}"`;
    for (const damaged of ['[1, 2]', '"confidential text"', 'null', '42']) {
      await db.query(`UPDATE ${s}.protocols SET body = $1 WHERE ref = $2`, [damaged, REF]);
      const error = await rejection(store.loadProtocol(REF));
      expect(error.code, damaged).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
      expect(error.message).toContain(REF);
      expect(error.message).toContain('protocols.body');
      expect(error.message).not.toContain('confidential');
      expect((await db.query(`SELECT body::text AS body FROM ${s}.protocols WHERE ref = $1`, [REF])).rows).toEqual([{ body: damaged }]);
    }
    // The journey itself still loads; what its protocol reference names cannot be read.
    expect((await store.load('j1'))?.version).toBe(1);
  });

  it('refuses a bad ref before anything is read or written, even with the database away', async () => {
    const store = await openStore();
    await store.commit(startCommit('j1', [protocolOf('intact')]));
    const before = await rowsOf(store.schema);
    for (const ref of ['', null, undefined, 42, { ref: REF }, 'sha256:\uD800']) {
      const error = await rejection(store.loadProtocol(ref as unknown as string));
      expect(error.code, String(ref)).toBe('CJ_ERR_INVALID_INPUT');
      expect(error.message).toContain('PostgresStore.loadProtocol');
      expect(error.details.issues?.[0]?.path).toBe('ref');
    }
    expect(await rowsOf(store.schema)).toEqual(before);
    // A well-formed ref that names nothing is simply absent.
    expect(await store.loadProtocol(`sha256:${'f'.repeat(64)}`)).toBeUndefined();
    // The check comes first: no connection is tried (this server does not exist).
    const away = new PostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', retryForMs: 0 });
    open.push(away);
    expect((await rejection(away.loadProtocol(''))).code).toBe('CJ_ERR_INVALID_INPUT');
    expect((await rejection(away.loadProtocol(REF))).code).toBe('CJ_ERR_STORE');
  });

  it('keeps one row per protocol version for the engine, which a second server reads back', async () => {
    const schema = testSchema('proto_engine');
    const clock = new ManualClock(T0);
    const first = await openStore({ schema });
    const engine = createEngine({ definition: visitJourney, store: first, clock });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await engine.start({ patientRef: `pt-${i}`, input: {}, actor: actors.coordinator })).id);
    await engine.send(ids[0]!, { type: 'consent.recorded' }, { actor: actors.physician });
    const rows = await rowsOf(schema);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.body)).toEqual(engine.protocol);
    // Snapshots and start entries hold the ref, not a copy.
    const stored = (await db.query(`SELECT snapshot::text AS s FROM "${schema}".journeys`)).rows as { s: string }[];
    expect(stored.every((r) => (JSON.parse(r.s) as { context: { protocol: unknown } }).context.protocol !== null && r.s.includes(`"$protocolRef":"${rows[0]!.ref}"`))).toBe(true);

    const second = await openStore({ schema });
    const other = createEngine({ definition: visitJourney, store: second, clock });
    const view = await other.get(ids[0]!);
    expect(view.context.protocol).toEqual(engine.protocol);
    expect((await second.loadProtocol(rows[0]!.ref))?.protocol).toEqual(engine.protocol);

    // A damaged protocol row: an engine that has not read it yet (one configured with another
    // protocol version, so it knows only its own) refuses every journey naming it.
    await db.query(`UPDATE "${schema}".protocols SET body = '[]'`);
    const third = createEngine({ definition: visitJourney, store: await openStore({ schema }), clock, protocol: { ...engine.protocol, observationMinutes: 45 } });
    const refused = await rejection(third.get(ids[1]!));
    expect(refused.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(refused.message).toContain(rows[0]!.ref);
    const sent = await third.send(ids[2]!, { type: 'consent.recorded' }, { actor: actors.physician });
    expect(!sent.ok && sent.error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
  });
});
