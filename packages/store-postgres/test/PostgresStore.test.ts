import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEngine, isCareJourneyError, ManualClock, type CareJourneyError, type JourneyCommit, type ProtocolRecord, type TimerRow } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { journeyQuerySql } from '../src/journeyQuerySql.js';
import { migrateSchema } from '../src/migrateSchema.js';
import { MAX_STATEMENT_NAME, statementName } from '../src/statementName.js';
import { SCHEMA_VERSION, SCHEMA_VERSION_TABLE, PostgresStore, type PostgresStoreOptions } from '../src/index.js';
import { storeSql } from '../src/storeSql.js';
import { sleep } from './helpers/spawnChild.js';
import { dropTestSchemas, openTestStore, rawClient, TEST_DATABASE_URL, testSchema } from './helpers/testDb.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';

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

/** The schema steps applied, in order. */
async function versions(schema: string): Promise<number[]> {
  const { rows } = await db.query(`SELECT version FROM "${schema}".${SCHEMA_VERSION_TABLE} ORDER BY version`);
  return rows.map((r: { version: number }) => r.version);
}
const ALL_VERSIONS = Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1);

async function tables(schema: string): Promise<string[]> {
  const { rows } = await db.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
  return rows.map((r: { table_name: string }) => r.table_name);
}

async function indexes(schema: string): Promise<string[]> {
  const { rows } = await db.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1', [schema]);
  return rows.map((r: { indexname: string }) => r.indexname);
}

async function rejection(p: Promise<unknown>): Promise<CareJourneyError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCareJourneyError(error)) throw new Error(`expected a CareJourneyError, got ${String(error)}`);
  return error;
}

describe('PostgresStore schema', () => {
  it('creates its schema, tables and the schema-version row in the configured schema', async () => {
    const store = await openStore({ schema: testSchema('named') });
    expect(await versions(store.schema)).toEqual(ALL_VERSIONS);
    const tables = await db.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [store.schema]);
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual([SCHEMA_VERSION_TABLE, 'idempotency_keys', 'journal', 'journeys', 'outbox', 'protocols', 'timers']);
  });

  it('migrates exactly once when many stores open a new schema at the same moment', async () => {
    const schema = testSchema('race');
    const stores = await Promise.all(Array.from({ length: 8 }, () => openStore({ schema, poolSize: 1 })));
    expect(stores).toHaveLength(8);
    expect(await versions(schema)).toEqual(ALL_VERSIONS);
    await stores[0]!.commit(createCommit('j1'));
    expect((await stores[7]!.load('j1'))?.version).toBe(1);
  });

  it('opens an existing schema without migrating it again, keeping its data', async () => {
    const first = await openTestStore();
    await first.commit(createCommit('j1'));
    await first.close();
    const again = await openStore({ schema: first.schema });
    expect((await again.load('j1'))?.version).toBe(1);
    expect((await db.query(`SELECT count(*)::int AS n FROM "${first.schema}".${SCHEMA_VERSION_TABLE}`)).rows).toEqual([{ n: SCHEMA_VERSION }]);
  });

  it('upgrades a schema of version 1 once, however many stores open it at once, keeping its rows', async () => {
    const schema = testSchema('v1');
    const client = await rawClient();
    try {
      expect(await migrateSchema(client, schema, 1)).toBe(0);
    } finally {
      await client.end();
    }
    const s = `"${schema}"`;
    expect(await versions(schema)).toEqual([1]);
    expect(await indexes(schema)).not.toContain('timers_claimed');
    // What a release with schema version 1 left: a journey and a timer a worker had claimed.
    await db.query(`INSERT INTO ${s}.journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at)
      VALUES ('j1', 'clinic-visit', 2, 'pt-j1', 1, 1, '{}', 'referral', '{referral}', 'referral', 'active', '', '')`);
    await db.query(`INSERT INTO ${s}.timers (journey_id, key, owner, due_at, claimed_by, lease_until) VALUES ('j1', 'machine:t', 'machine', ${T0}, 'w-old', now() + interval '1 hour')`);

    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ schema, poolSize: 1, workerId: 'w-old' })));
    expect(await versions(schema)).toEqual(ALL_VERSIONS);
    expect(await indexes(schema)).toContain('timers_claimed');
    expect((await stores[0]!.load('j1'))?.version).toBe(1);
    await stores[1]!.releaseTimerClaims();
    expect((await db.query(`SELECT claimed_by FROM ${s}.timers`)).rows).toEqual([{ claimed_by: null }]);
    await expect(migrateSchema(db, schema, SCHEMA_VERSION + 1)).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG' });
  });

  it('upgrades a schema of version 2 to 3 once, however many stores open it at once, keeping its rows', async () => {
    const schema = testSchema('v2');
    const client = await rawClient();
    try {
      expect(await migrateSchema(client, schema, 2)).toBe(0);
    } finally {
      await client.end();
    }
    const s = `"${schema}"`;
    expect(await versions(schema)).toEqual([1, 2]);
    expect(await tables(schema)).not.toContain('protocols');
    // What a release with schema version 2 left: a journey whose snapshot holds its protocol inline.
    await db.query(`INSERT INTO ${s}.journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at)
      VALUES ('j1', 'clinic-visit', 2, 'pt-j1', 1, 1, '{"context":{"protocol":{"timeZone":"Europe/Berlin"}}}', 'referral', '{referral}', 'referral', 'active', '', '')`);

    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ schema, poolSize: 1 })));
    expect(await versions(schema)).toEqual(ALL_VERSIONS);
    expect(await tables(schema)).toContain('protocols');
    expect((await db.query(`SELECT description FROM ${s}.${SCHEMA_VERSION_TABLE} WHERE version = 3`)).rows).toHaveLength(1);
    const old = (await stores[0]!.load('j1'))!;
    expect(old.snapshot).toEqual({ context: { protocol: { timeZone: 'Europe/Berlin' } } });
    // The journey's next commit brings its protocol, which the upgraded schema keeps.
    const p = protocolOf(1);
    await stores[1]!.commit({ journey: { ...old, version: 2 }, expectedVersion: 1, timersToSet: [], timersToCancel: [], outbox: [], protocols: [p] });
    expect(await stores[2]!.loadProtocol(p.ref)).toEqual(p);
    expect((await stores[3]!.load('j1'))?.version).toBe(2);
  });

  it('refuses a schema written by a newer release and leaves it untouched', async () => {
    const schema = testSchema('future');
    await (await openTestStore({ schema })).close();
    await db.query(`INSERT INTO "${schema}".${SCHEMA_VERSION_TABLE} (version, description) VALUES ($1, 'future')`, [SCHEMA_VERSION + 1]);
    const error = await rejection(PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema }));
    expect(error.code).toBe('CJ_ERR_STORE');
    expect(error.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    expect((await db.query(`SELECT max(version) AS v FROM "${schema}".${SCHEMA_VERSION_TABLE}`)).rows).toEqual([{ v: SCHEMA_VERSION + 1 }]);
  });

  it('rejects invalid options with CJ_ERR_INVALID_CONFIG naming the option', () => {
    const bad: [PostgresStoreOptions, string][] = [
      [{ schema: 'Clinic' }, 'schema'],
      [{ schema: 'a; DROP TABLE x' }, 'schema'],
      [{ schema: '' }, 'schema'],
      [{ poolSize: 0 }, 'poolSize'],
      [{ leaseMs: 10 }, 'leaseMs'],
      [{ retryForMs: -1 }, 'retryForMs'],
      [{ workerId: '' }, 'workerId'],
      [{ connectionString: 5 as unknown as string }, 'connectionString'],
    ];
    for (const [options, field] of bad) {
      let error: unknown;
      try {
        new PostgresStore(options);
      } catch (e) {
        error = e;
      }
      expect(isCareJourneyError(error, 'CJ_ERR_INVALID_CONFIG'), field).toBe(true);
      expect((error as CareJourneyError).details.issues?.[0]?.path).toBe(field);
    }
  });

  it('fails to open an unreachable server with CJ_ERR_STORE', async () => {
    const error = await rejection(PostgresStore.open({ connectionString: 'postgres://postgres@127.0.0.1:1/test', retryForMs: 0 }));
    expect(error.code).toBe('CJ_ERR_STORE');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports use after close as CJ_ERR_STORE naming the journey, and closing twice is harmless', async () => {
    const store = await openTestStore();
    await store.close();
    await store.close();
    const error = await rejection(store.load('j1'));
    expect(error.code).toBe('CJ_ERR_STORE');
    expect(error.details.journeyId).toBe('j1');
  });
});

describe('PostgresStore statement names', () => {
  // The longest schema name the store accepts.
  const longSchema = () => testSchema(`long${'x'.repeat(48 - `cj_long_${process.pid}_12345678`.length)}`);

  it('keeps prepared statement names within PostgreSQL\'s 63 characters and apart, for the longest schema name', () => {
    const schema = longSchema();
    expect(schema).toHaveLength(48);
    const names = [...Object.keys(storeSql('"s"')), ...Array.from({ length: 64 }, (_, i) => `query${i}`)].map((name) => statementName(schema, name));
    expect(names.filter((name) => name.length > MAX_STATEMENT_NAME)).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    // Two schemas that differ only in their last character still get their own names.
    expect(statementName(`${schema.slice(0, -1)}a`, 'commit')).not.toBe(statementName(`${schema.slice(0, -1)}b`, 'commit'));
  });

  it('runs every kind of statement on a 48-character schema without pg warning about long names', async () => {
    const printed = vi.spyOn(console, 'error');
    const warned = vi.spyOn(console, 'warn');
    try {
      const store = await openStore({ schema: longSchema() });
      const clock = new ManualClock(T0);
      const engine = createEngine({ definition: visitJourney, store, clock });
      const { id } = await engine.start({ patientRef: 'pt-long', input: {}, actor: actors.coordinator });
      await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
      await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator, idempotencyKey: 'book-1' });
      clock.advanceTo('2026-01-05T11:00:00Z');
      expect((await engine.runDue()).map((f) => f.journeyId)).toEqual([id]);
      expect(await engine.history(id)).toHaveLength(4);
      expect((await engine.query({ state: 'noShow' })).map((j) => j.id)).toEqual([id]);
      expect((await engine.query({ patientRef: 'pt-long', limit: 5 })).map((j) => j.id)).toEqual([id]);
      await engine.recover();
      await store.unclaimedOutbox();
      await store.releaseTimerClaims();
      await store.pruneDelivered({ deliveredBefore: new Date(0) });
      const calls = [...printed.mock.calls, ...warned.mock.calls].map((args) => args.map(String).join(' '));
      expect(calls.filter((line) => /63 characters|query names/i.test(line))).toEqual([]);
    } finally {
      printed.mockRestore();
      warned.mockRestore();
    }
  });
});

describe('PostgresStore indexes', () => {
  type Plan = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: Plan[] };
  const nodes = (plan: Plan): Plan[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

  it('answers the clinic queries, due timers and the outbox from indexes (EXPLAIN), never by scanning a table', async () => {
    const store = await openStore({ schema: testSchema('plans') });
    const s = `"${store.schema}"`;
    // Enough rows, varied enough, for the planner to prefer indexes, as on a clinic's database.
    await db.query(`INSERT INTO ${s}.journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at)
      SELECT 'j-' || g, 'ketamine', 1, 'pt-' || g, 1, 1, '{}', p.state, p.paths, p.phase, CASE WHEN g % 10 = 0 THEN 'done' ELSE 'active' END, '', ''
      FROM generate_series(1, 20000) g,
      LATERAL (SELECT (ARRAY['referral', 'intake', 'treatment', 'closed'])[1 + g % 4] || '_' || (g % 50) AS phase,
                      'care.clinical.s' || (g % 200) AS state,
                      ARRAY['care', 'care.clinical', 'care.clinical.s' || (g % 200)] AS paths) p`);
    await db.query(`INSERT INTO ${s}.journal (journey_id, seq, kind, type, payload, actor, at, recorded_at, to_state, definition_version)
      SELECT 'j-' || (g % 2000), g, 'event', 't', '{}', '{}', '', '', 's', 1 FROM generate_series(1, 20000) g`);
    await db.query(`INSERT INTO ${s}.idempotency_keys SELECT 'j-' || (g % 2000), 'k-' || g, g FROM generate_series(1, 20000) g`);
    // One timer in a hundred held by one of ten workers, as while workers are at it.
    await db.query(`INSERT INTO ${s}.timers (journey_id, key, owner, due_at, claimed_by, lease_until)
      SELECT 'j-' || g, 'machine:t', 'machine', ${T0} + g * 60000, CASE WHEN g % 100 = 0 THEN 'w-' || (g % 1000 / 100) END,
        CASE WHEN g % 100 = 0 THEN now() + interval '1 minute' ELSE '-infinity' END
      FROM generate_series(1, 20000) g`);
    await db.query(`INSERT INTO ${s}.outbox (id, journey_id, kind, type, created_at, delivered_at)
      SELECT 'o-' || g, 'j-' || (g % 2000), 'effect', 't', '', CASE WHEN g % 100 = 0 THEN NULL ELSE now() END FROM generate_series(1, 20000) g`);
    // Far more protocol versions than a clinic has: with a handful the planner rightly reads the one page.
    await db.query(`INSERT INTO ${s}.protocols (ref, definition_id, body, created_at)
      SELECT 'sha256:' || lpad(to_hex(g), 64, '0'), 'ketamine', '{}', '' FROM generate_series(1, 20000) g`);
    await db.query(`ANALYZE ${s}.journeys; ANALYZE ${s}.journal; ANALYZE ${s}.idempotency_keys; ANALYZE ${s}.timers; ANALYZE ${s}.outbox; ANALYZE ${s}.protocols`);

    const sql = storeSql(s);
    // [statement, parameters, index, the index of its generic plan when that may differ (null: not checked)]
    const cases: [string, unknown[], string, (string | null)?][] = [
      [sql.loadJourney, ['j-5'], 'journeys_pkey'],
      [sql.journeyVersion, ['j-5'], 'journeys_pkey'],
      [sql.readJournal, ['j-5', 1, null], 'journal_pkey'],
      [sql.findKey, ['j-5', 'k-5'], 'idempotency_keys_pkey'],
      [sql.loadProtocol, [`sha256:${'5'.padStart(64, '0')}`], 'protocols_pkey'],
      [sql.listTimers, ['j-5'], 'timers_pkey'],
      [sql.claimDueTimers, ['w', 1000, T0 + 3_600_000, 100], 'timers_by_due'],
      [sql.claimOutbox, ['w', 1000, 100, null], 'outbox_pending'],
      [sql.unclaimedOutbox, [], 'outbox_pending'],
      // Not knowing how many ids it marks, the generic plan reads the undelivered items instead:
      // an index too, of exactly the rows the statement may change.
      [sql.markDelivered, [['o-5']], 'outbox_id_key', 'outbox_pending'],
      [sql.releaseTimers, ['w-3'], 'timers_claimed'],
    ];
    const queries: [Parameters<typeof journeyQuerySql>[1], string, (string | null)?][] = [
      [{ phase: 'treatment_2', limit: 50 }, 'journeys_by_phase'],
      [{ patientRef: 'pt-77' }, 'journeys_by_patient'],
      [{ status: 'done', after: 'j-5', limit: 20 }, 'journeys_by_status'],
      // Without the path, the generic plan cannot tell how many journeys are in a state and walks
      // journeys_pkey in id order instead of the GIN index: not checked yet.
      [{ state: 'care.clinical.s7' }, 'journeys_by_state_path', null],
    ];
    for (const [filter, index, genericIndex] of queries) {
      const { sql: text, params } = journeyQuerySql(s, filter);
      cases.push(genericIndex === undefined ? [text, [...params], index] : [text, [...params], index, genericIndex]);
    }
    for (const [text, params, index, genericIndex] of cases) {
      // EXPLAIN without ANALYZE: the claiming statements are planned, not run. The store runs
      // them as prepared statements, which PostgreSQL may plan once for any parameters (a
      // generic plan, always under plan_cache_mode = force_generic_plan): both plans must use
      // the index.
      for (const generic of genericIndex === null ? [false] : [false, true]) {
        const plan = await explain(text, params, generic);
        expect(plan.map((n) => n['Index Name']), `${generic ? 'generic' : 'custom'} plan of ${text}`).toContain(generic ? (genericIndex ?? index) : index);
        expect(plan.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']), `${generic ? 'generic' : 'custom'} plan of ${text}`).toEqual([]);
      }
    }
  });

  /** The plan's nodes; a generic plan is the one PostgreSQL makes for a prepared statement without its parameters. */
  async function explain(text: string, params: unknown[], generic: boolean): Promise<Plan[]> {
    if (!generic) {
      const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${text}`, params);
      return nodes((rows[0]['QUERY PLAN'] as { Plan: Plan }[])[0]!.Plan);
    }
    await db.query('SET plan_cache_mode = force_generic_plan');
    try {
      await db.query(`PREPARE cj_explained AS ${text}`);
      // EXECUTE takes its arguments as SQL, not as bound parameters.
      const literal = (value: unknown): string =>
        value === null ? 'NULL' : Array.isArray(value) ? `ARRAY[${value.map(literal).join(', ')}]` : typeof value === 'number' ? String(value) : db.escapeLiteral(String(value));
      const args = params.map(literal).join(', ');
      const { rows } = await db.query(`EXPLAIN (FORMAT JSON) EXECUTE cj_explained${args === '' ? '' : `(${args})`}`);
      return nodes((rows[0]['QUERY PLAN'] as { Plan: Plan }[])[0]!.Plan);
    } finally {
      await db.query('DEALLOCATE ALL');
      await db.query('RESET plan_cache_mode');
    }
  }

  it('keeps the state paths in step as journeys move between states, and never answers wrongly for a hand-edited state', async () => {
    const store = await openStore();
    await store.commit(createCommit('j1', { state: 'treatment.course.induction|treatment.therapy.active', phase: 'treatment' }));
    await store.commit(createCommit('j2', { state: 'treatment.onHold', phase: 'treatment' }));
    const ids = async (state: string) => (await store.query({ state })).map((r) => r.id);
    expect(await ids('treatment')).toEqual(['j1', 'j2']);
    expect(await ids('treatment.therapy')).toEqual(['j1']);
    const moved = await store.load('j1');
    await store.commit({ journey: { ...moved!, version: 2, state: 'treatment.onHold' }, expectedVersion: 1, timersToSet: [], timersToCancel: [], outbox: [] });
    expect(await ids('treatment.therapy')).toEqual([]);
    expect(await ids('treatment.course')).toEqual([]);
    expect(await ids('treatment.onHold')).toEqual(['j1', 'j2']);
    expect(await ids('treatment.on')).toEqual([]);
    await db.query(`UPDATE "${store.schema}".journeys SET state = 'closed' WHERE id = 'j2'`);
    expect(await ids('treatment.onHold')).toEqual(['j1']);
  });

  it('orders ids byte-wise whatever the database locale', async () => {
    const store = await openStore();
    for (const id of ['b', 'a_b', 'a-b', 'B', 'a']) await store.commit(createCommit(id));
    expect((await store.query({})).map((r) => r.id)).toEqual(['B', 'a', 'a-b', 'a_b', 'b']);
  });
});

describe('PostgresStore claims', () => {
  const due = (journeyId: string, n: number): TimerRow => ({ journeyId, key: `machine:t${n}`, owner: 'machine', dueAt: T0 + n, event: { type: `t${n}` } });

  it('gives concurrent workers disjoint batches of due timers, and the same worker its own again', async () => {
    const schema = testSchema('claims');
    const a = await openStore({ schema, workerId: 'a' });
    const b = await openStore({ schema, workerId: 'b' });
    for (let j = 1; j <= 10; j++) await a.commit(createCommit(`j${j}`, {}, [due(`j${j}`, j)]));
    const [batchA, batchB] = await Promise.all([a.dueTimers(T0 + 100, 6), b.dueTimers(T0 + 100, 6)]);
    const keysA = batchA.map((t) => t.journeyId);
    const keysB = batchB.map((t) => t.journeyId);
    expect(keysA.length + keysB.length).toBe(10);
    expect(keysA.filter((k) => keysB.includes(k))).toEqual([]);
    // Earliest first within a batch; a worker asking again gets back what it holds.
    expect(batchA.map((t) => t.dueAt)).toEqual([...batchA.map((t) => t.dueAt)].sort((x, y) => x - y));
    expect((await a.dueTimers(T0 + 100, 10)).map((t) => t.journeyId)).toEqual(keysA);
    const claims = await db.query(`SELECT claimed_by, count(*)::int AS n FROM "${schema}".timers GROUP BY 1 ORDER BY 1`);
    expect(claims.rows).toEqual([
      { claimed_by: 'a', n: keysA.length },
      { claimed_by: 'b', n: keysB.length },
    ]);
  });

  it("hands a dead worker's timers to another after the lease, and a released one's at once", async () => {
    const schema = testSchema('lease');
    const dead = await openTestStore({ schema, workerId: 'dead', leaseMs: 300 });
    const other = await openStore({ schema, workerId: 'other', leaseMs: 300 });
    await dead.commit(createCommit('j1', {}, [due('j1', 1), due('j1', 2)]));
    expect(await dead.dueTimers(T0 + 10, 10)).toHaveLength(2);
    expect(await other.dueTimers(T0 + 10, 10)).toEqual([]);
    await sleep(400);
    expect((await other.dueTimers(T0 + 10, 10)).map((t) => t.key)).toEqual(['machine:t1', 'machine:t2']);
    // releaseTimerClaims gives them back without waiting for the lease.
    await other.releaseTimerClaims();
    expect(await dead.dueTimers(T0 + 10, 10)).toHaveLength(2);
    await dead.close();
    expect(await other.dueTimers(T0 + 10, 10)).toHaveLength(2);
  });

  it("keeps a committing worker's new outbox items from other workers until it marks them delivered or dies", async () => {
    const schema = testSchema('outbox');
    const writer = await openTestStore({ schema, workerId: 'writer', leaseMs: 300 });
    const other = await openStore({ schema, workerId: 'other', leaseMs: 300 });
    await writer.commit(createCommit('j1'));
    await writer.commit(createCommit('j2'));
    expect((await writer.pendingOutbox(10)).map((o) => o.id)).toEqual(['j1:1:0', 'j2:1:0']);
    expect(await other.pendingOutbox(10)).toEqual([]);
    expect(await other.unclaimedOutbox()).toBe(0);
    await writer.markDelivered(['j1:1:0']);
    // The writer stops renewing (as a dead process would): after the lease, the other worker
    // takes over what it left undelivered, and nothing it delivered.
    open.push(writer);
    expect(await other.pendingOutbox(10)).toEqual([]);
    await sleep(400);
    expect(await other.unclaimedOutbox()).toBe(1);
    expect((await other.pendingOutbox(10)).map((o) => o.id)).toEqual(['j2:1:0']);
  });

  it('refuses a commit that fires a timer another worker already fired, even at the current version', async () => {
    const store = await openStore();
    await store.commit(createCommit('j1', {}, [due('j1', 1)]));
    const record = (await store.load('j1'))!;
    const at = new Date(T0).toISOString();
    const firing = (version: number): JourneyCommit => ({
      journey: { ...record, version: version + 1 },
      expectedVersion: version,
      timersToSet: [],
      timersToCancel: ['machine:t1'],
      outbox: [{ id: `j1:${version + 1}:timer`, journeyId: 'j1', kind: 'timer', type: 'probe', payload: { key: 't1' }, createdAt: at }],
    });
    // The first worker fires it; a second one that loaded the journey after that (version 2)
    // still holds the timer from its earlier read: refused, nothing written.
    await store.commit(firing(1));
    const error = await rejection(store.commit(firing(2)));
    expect(error.code).toBe('CJ_ERR_CONFLICT');
    expect(error.message).toContain('machine:t1');
    expect((await store.load('j1'))?.version).toBe(2);
    expect((await store.pendingOutbox(10, 'j1')).map((o) => o.id)).toEqual(['j1:1:0', 'j1:2:timer']);
  });

  it('carries delivered marks in the next commit, or writes them alone when no commit comes', async () => {
    const store = await openStore();
    const s = `"${store.schema}"`;
    await store.commit(createCommit('j1'));
    const undelivered = async () => (await db.query(`SELECT id FROM ${s}.outbox WHERE delivered_at IS NULL ORDER BY seq`)).rows.map((r: { id: string }) => r.id);
    await store.markDelivered(['j1:1:0']);
    expect(await undelivered()).toEqual(['j1:1:0']);
    await store.commit(createCommit('j2'));
    expect(await undelivered()).toEqual(['j2:1:0']);
    await store.markDelivered(['j2:1:0']);
    // No commit follows: the mark is written on its own shortly after (50 ms, later on a busy machine).
    const deadline = Date.now() + 5_000;
    while ((await undelivered()).length > 0 && Date.now() < deadline) await sleep(25);
    expect(await undelivered()).toEqual([]);
  });
});

describe('PostgresStore notifications', () => {
  it('notifies listeners when a commit sets a timer due within notifyWithinMs, and only then', async () => {
    const store = await openStore({ notifyWithinMs: 60_000 });
    const heard: number[] = [];
    const subscription = await store.listenForTimers((dueAt) => heard.push(dueAt));
    const at = new Date(T0).toISOString();
    const soon: TimerRow = { journeyId: 'j1', key: 'machine:soon', owner: 'machine', dueAt: T0 + 30_000, event: { type: 'x' } };
    const later: TimerRow = { journeyId: 'j2', key: 'machine:later', owner: 'machine', dueAt: T0 + 3_600_000, event: { type: 'x' } };
    await store.commit({ ...createCommit('j2', {}, [later]), journey: { ...createCommit('j2').journey, updatedAt: at } });
    await store.commit({ ...createCommit('j1', {}, [soon]), journey: { ...createCommit('j1').journey, updatedAt: at } });
    const deadline = Date.now() + 2_000;
    while (heard.length === 0 && Date.now() < deadline) await sleep(10);
    await sleep(50);
    expect(heard).toEqual([T0 + 30_000]);
    await subscription.close();
    const listening = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND query LIKE $1", [`%${store.notifyChannel}%`]);
    expect(listening.rows[0].n).toBe(0);
  });
});

describe('PostgresStore with hand-edited rows', () => {
  async function twoJourneys(options: PostgresStoreOptions = {}) {
    const store = await openStore(options);
    const clock = new ManualClock(T0);
    const engine = createEngine({ definition: visitJourney, store, clock });
    for (const journeyId of ['a-broken', 'b-healthy']) {
      await engine.start({ journeyId, patientRef: `pt-${journeyId}`, input: {}, actor: actors.coordinator });
      await engine.send(journeyId, { type: 'consent.recorded' }, { actor: actors.physician });
      await engine.send(journeyId, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    }
    return { store, clock, engine, s: `"${store.schema}"` };
  }

  it('refuses a journey whose snapshot was edited into the wrong shape, naming it; the others keep working', async () => {
    const { engine, s } = await twoJourneys();
    await db.query(`UPDATE ${s}.journeys SET snapshot = '[1, 2]' WHERE id = 'a-broken'`);
    const error = await rejection(engine.get('a-broken'));
    expect(error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(error.details.journeyId).toBe('a-broken');
    const refused = await engine.send('a-broken', { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(!refused.ok && refused.error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    const sent = await engine.send('b-healthy', { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(sent.ok && sent.view.stateLabel).toBe('checkedIn');
    expect((await db.query(`SELECT snapshot::text AS s, version FROM ${s}.journeys WHERE id = 'a-broken'`)).rows).toEqual([{ s: '[1, 2]', version: 3 }]);
    expect((await engine.query({ phase: 'booked' })).map((j) => j.id)).toEqual(['a-broken']);
  });

  it('names the journey and the entry when a journal payload is not an object', async () => {
    const { engine, s } = await twoJourneys();
    await db.query(`UPDATE ${s}.journal SET payload = '"text"' WHERE journey_id = 'a-broken' AND seq = 2`);
    const error = await rejection(engine.history('a-broken'));
    expect(error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(error.message).toContain('journal.payload (seq 2)');
    expect(error.message).not.toContain('text');
    expect(await engine.history('b-healthy')).toHaveLength(3);
  });

  it('skips and reports a damaged timer row while the other timers fire, leaving it for repair', async () => {
    const reported: CareJourneyError[] = [];
    const { engine, clock, s } = await twoJourneys({ onCorruptRow: (e) => reported.push(e) });
    await db.query(`UPDATE ${s}.timers SET event = '42' WHERE journey_id = 'a-broken'`);
    clock.advanceTo('2026-01-06T00:00:00Z');
    const fired = await engine.runDue();
    expect(fired.map((f) => f.journeyId)).toEqual(['b-healthy']);
    expect((await engine.get('b-healthy')).stateLabel).toBe('noShow');
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.every((e) => e.code === 'CJ_ERR_CORRUPT_SNAPSHOT' && e.details.journeyId === 'a-broken')).toBe(true);
    expect(reported[0]!.message).toContain('timers.event');
    expect((await db.query(`SELECT count(*)::int AS n FROM ${s}.timers WHERE journey_id = 'a-broken'`)).rows).toEqual([{ n: 1 }]);
  });
});

describe('the engine on PostgresStore', () => {
  it('runs a visit with durable timers across a restart, and the journal replays', async () => {
    const schema = testSchema('engine');
    const clock = new ManualClock(T0);
    let store = await openTestStore({ schema });
    let engine = createEngine({ definition: visitJourney, store, clock });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    const booked = await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    expect(booked.ok && booked.view.timers.map((t) => t.dueAt)).toEqual(['2026-01-05T10:30:00.000Z']);
    await store.close();

    clock.advanceTo('2026-01-05T11:00:00Z');
    store = await openStore({ schema });
    engine = createEngine({ definition: visitJourney, store, clock });
    const fired = await engine.runDue();
    expect(fired.map((f) => [f.journeyId, f.dueAt])).toEqual([[id, '2026-01-05T10:30:00.000Z']]);
    expect(await engine.runDue()).toEqual([]);
    expect((await engine.get(id)).stateLabel).toBe('noShow');

    const again = await engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator, idempotencyKey: 'rebook-1' });
    const duplicate = await engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator, idempotencyKey: 'rebook-1' });
    expect(again.ok && duplicate.ok && duplicate.duplicate && duplicate.entry.seq === again.entry.seq).toBe(true);
    const history = await engine.history(id);
    expect(history.map((e) => e.type)).toEqual(['journey.start', 'consent.recorded', 'visit.book', 'xstate.after.noShowDelay.visit.booked', 'visit.book']);
    expect(await replayStored(store, visitJourney, history)).toEqual((await store.load(id))!.snapshot);
  });

  it('refuses a bad event without touching the database', async () => {
    const store = await openStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const s = `"${store.schema}"`;
    const dump = async () => (await db.query(`SELECT (SELECT json_agg(j) FROM ${s}.journeys j) AS j, (SELECT count(*) FROM ${s}.journal) AS e, (SELECT count(*) FROM ${s}.outbox) AS o, (SELECT count(*) FROM ${s}.timers) AS t, (SELECT count(*) FROM ${s}.protocols) AS p`)).rows;
    const before = await dump();
    const bad = await engine.send(id, { type: 'visit.book', slot: 'tomorrow' }, { actor: actors.coordinator });
    expect(!bad.ok && bad.error.code).toBe('CJ_ERR_INVALID_EVENT');
    const guarded = await engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator });
    expect(!guarded.ok && guarded.error.code).toBe('CJ_ERR_GUARD');
    expect(await dump()).toEqual(before);
  });
});

describe('PostgresStore outbox history', () => {
  it('prunes rows delivered before an instant and never an undelivered one', async () => {
    const store = await openStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator, journeyId: 'j-prune' });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    await store.commit(createCommit('j-other'));
    const count = async () => Number((await db.query(`SELECT count(*) AS n FROM "${store.schema}".outbox`)).rows[0].n);
    expect(await count()).toBe(3);
    expect(await store.pruneDelivered({ deliveredBefore: new Date(Date.now() - 86_400_000) })).toBe(0);
    expect(await store.pruneDelivered({ deliveredBefore: new Date(Date.now() + 60_000) })).toBe(2);
    expect(await count()).toBe(1);
    expect((await store.pendingOutbox(10)).map((o) => o.id)).toEqual(['j-other:1:0']);
    const bad = await rejection(store.pruneDelivered({ deliveredBefore: 'last tuesday' }));
    expect(bad.code).toBe('CJ_ERR_INVALID_INPUT');
    expect(bad.details.issues?.[0]?.path).toBe('deliveredBefore');
  });
});

// ----------------------------------------------------------------------------- helpers

/** A protocol record of the shape the engine brings, its ref made up from `n`. */
function protocolOf(n: number, protocol: Record<string, unknown> = { timeZone: 'Europe/Berlin', routes: { iv: { observationMinutes: 60 + n } }, note: 'ünïcødé ✓' }): ProtocolRecord {
  return { ref: `sha256:${n.toString(16).padStart(64, '0')}`, definitionId: 'clinic-visit', protocol, createdAt: new Date(T0 + n).toISOString() };
}

function createCommit(id: string, over: { state?: string; phase?: string } = {}, timers: TimerRow[] = []): JourneyCommit {
  const at = new Date(T0).toISOString();
  return {
    journey: {
      id,
      definitionId: 'clinic-visit',
      definitionVersion: 2,
      patientRef: `pt-${id}`,
      version: 1,
      lastSeq: 1,
      snapshot: { status: 'active', value: 'referral', context: {} },
      state: over.state ?? 'referral',
      phase: over.phase ?? 'referral',
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
      payload: {},
      actor: actors.coordinator,
      at,
      recordedAt: at,
      from: null,
      to: over.state ?? 'referral',
      definitionVersion: 2,
    },
    timersToSet: timers,
    timersToCancel: [],
    outbox: [{ id: `${id}:1:0`, journeyId: id, kind: 'effect', type: 'test.effect', payload: { n: 1 }, createdAt: at }],
  };
}
