import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import {
  createEngine,
  isCareJourneyError,
  ketamineAnxietyJourney,
  ManualClock,
  type CareJourneyError,
  type DeliveryFailedNotice,
  type JourneyCommit,
  type TimerRow,
  type TransitionNotice,
} from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { journeyQuerySql } from '../src/journeyQuerySql.js';
import { SCHEMA_VERSION, SCHEMA_VERSION_TABLE, SqliteStore, type SqliteStoreOptions } from '../src/index.js';
import { STORE_SQL } from '../src/storeSql.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';
import { openedFiles } from './helpers/openedFiles.js';
import { tempDbPath } from './helpers/tempDb.js';


const T0 = Date.parse('2026-01-05T09:00:00Z');
const { openStore, rawDb, closeAfter } = openedFiles();


async function rejection(p: Promise<unknown>): Promise<CareJourneyError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCareJourneyError(error)) throw new Error(`expected a CareJourneyError, got ${String(error)}`);
  return error;
}

describe('SqliteStore schema', () => {
  it('creates its schema in WAL mode and records the schema version', () => {
    const store = openStore();
    const db = rawDb(store.path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db.prepare(`SELECT version FROM ${SCHEMA_VERSION_TABLE} ORDER BY version`).all();
    // A new file replays every step, so it records each one up to the current version.
    expect(rows).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['journeys', 'journey_states', 'journal', 'idempotency_keys', 'timers', 'outbox', 'protocols']));
  });

  it('uses synchronous=FULL by default and NORMAL when asked, as the connection reports', () => {
    const path = tempDbPath();
    const full = openStore({ path });
    const normal = openStore({ path, synchronous: 'normal' });
    expect([full.journalMode, full.synchronous]).toEqual(['wal', 'full']);
    expect([normal.journalMode, normal.synchronous]).toEqual(['wal', 'normal']);
  });

  it('opens an existing database without migrating it again, keeping its data', async () => {
    const first = openStore();
    await first.commit(createCommit('j1'));
    await first.close();
    const again = openStore({ path: first.path });
    expect((await again.load('j1'))?.version).toBe(1);
    const db = rawDb(first.path);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM ${SCHEMA_VERSION_TABLE}`).get()).toEqual({ n: SCHEMA_VERSION });
  });

  it('refuses a database written by a newer release and leaves it untouched', async () => {
    const path = tempDbPath();
    await new SqliteStore({ path }).close();
    const db = new Database(path);
    db.prepare(`INSERT INTO ${SCHEMA_VERSION_TABLE} (version, description, applied_at) VALUES (?, 'future', 'x')`).run(SCHEMA_VERSION + 1);
    db.close();
    let error: unknown;
    try {
      new SqliteStore({ path });
    } catch (e) {
      error = e;
    }
    expect(isCareJourneyError(error, 'CJ_ERR_STORE')).toBe(true);
    expect((error as Error).message).toContain(`version ${SCHEMA_VERSION + 1}`);
    const check = rawDb(path);
    expect(check.prepare(`SELECT MAX(version) AS v FROM ${SCHEMA_VERSION_TABLE}`).get()).toEqual({ v: SCHEMA_VERSION + 1 });
  });

  it('rejects invalid options with CJ_ERR_INVALID_CONFIG naming the option', () => {
    const throwing = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
    const bad: [unknown, string][] = [
      [undefined, 'options'],
      [null, 'options'],
      [{}, 'options.path'],
      [{ path: '' }, 'options.path'],
      [{ path: 'x\uD800.db' }, 'options.path'],
      [{ path: 'x.db', synchronous: 'off' }, 'options.synchronous'],
      [{ path: 'x.db', busyTimeoutMs: -1 }, 'options.busyTimeoutMs'],
      [{ path: 'x.db', busyTimeoutMs: Number.NaN }, 'options.busyTimeoutMs'],
      [{ path: 'x.db', onCorruptRow: 'warn' }, 'options.onCorruptRow'],
      [{ path: 'x.db', onCorupRow: () => {} }, 'options'],
      [throwing, 'options'],
    ];
    for (const [options, path] of bad) {
      let error: unknown;
      try {
        new SqliteStore(options as SqliteStoreOptions);
      } catch (e) {
        error = e;
      }
      expect(isCareJourneyError(error, 'CJ_ERR_INVALID_CONFIG'), path).toBe(true);
      expect((error as CareJourneyError).details.issues?.map((i) => i.path), path).toContain(path);
    }
  });

  it('turns a failure to open the file into CJ_ERR_STORE', () => {
    expect(() => new SqliteStore({ path: '/nonexistent-dir/for/sure/journeys.db' })).toThrow(expect.objectContaining({ code: 'CJ_ERR_STORE' }));
  });

  it('reports use after close as CJ_ERR_STORE, and closing twice is harmless', async () => {
    const store = openStore();
    await store.close();
    await store.close();
    const error = await rejection(store.load('j1'));
    expect(error.code).toBe('CJ_ERR_STORE');
    expect(error.details.journeyId).toBe('j1');
  });
});

describe('SqliteStore indexes', () => {
  const plan = (db: Database.Database, sql: string, ...params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' / ');

  it('answers the clinic queries from indexes, never by scanning a table', () => {
    const store = openStore();
    const db = rawDb(store.path);
    const cases: [string, unknown[], string][] = [
      [STORE_SQL.loadJourney, ['j'], 'SEARCH journeys USING INDEX sqlite_autoindex_journeys_1 (id=?)'],
      [STORE_SQL.dueTimers, [T0, 100], 'SEARCH timers USING INDEX timers_by_due (due_at<?)'],
      [STORE_SQL.listTimers, ['j'], 'SEARCH timers USING PRIMARY KEY (journey_id=?)'],
      [STORE_SQL.pendingOutbox, [100], 'SCAN outbox USING INDEX outbox_pending'],
      [STORE_SQL.pendingOutboxOf, ['j', 100], 'SCAN outbox USING INDEX outbox_pending'],
      [STORE_SQL.readJournal, ['j', 1, -1], 'SEARCH journal USING PRIMARY KEY (journey_id=? AND seq>?)'],
      [STORE_SQL.findKey, ['j', 'k'], 'SEARCH idempotency_keys USING PRIMARY KEY (journey_id=? AND key=?)'],
      [STORE_SQL.markDelivered, ['x', 'id'], 'SEARCH outbox USING INDEX sqlite_autoindex_outbox_1 (id=?)'],
      [STORE_SQL.loadProtocol, ['sha256:0'], 'SEARCH protocols USING INDEX sqlite_autoindex_protocols_1 (ref=?)'],
    ];
    const queries: [Parameters<typeof journeyQuerySql>[0], string][] = [
      [{ phase: 'treatment', limit: 50 }, 'SEARCH journeys USING INDEX journeys_by_phase (phase=?)'],
      [{ patientRef: 'pt-1' }, 'SEARCH journeys USING INDEX journeys_by_patient (patient_ref=?)'],
      [{ status: 'active', after: 'j-5' }, 'SEARCH journeys USING INDEX journeys_by_status (status=? AND id>?)'],
      [{ state: 'treatment.onHold' }, 'SEARCH journey_states USING PRIMARY KEY (leaf>? AND leaf<?)'],
    ];
    for (const [filter, expected] of queries) {
      const { sql, params } = journeyQuerySql(filter);
      cases.push([sql, [...params], expected]);
    }
    for (const [sql, params, expected] of cases) {
      const detail = plan(db, sql, ...params);
      expect(detail, sql).toContain(expected);
      expect(detail, sql).not.toMatch(/SCAN (journeys|timers|outbox|journal|journey_states|protocols)\b(?! USING)/);
    }
  });

  it('keeps the state index in step as journeys move between states', async () => {
    const store = openStore();
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
    // A hand-edited state column never makes a state query answer wrongly.
    rawDb(store.path).prepare("UPDATE journeys SET state = 'closed' WHERE id = 'j2'").run();
    expect(await ids('treatment.onHold')).toEqual(['j1']);
  });

  it('moves a journey between the phase, status and patient indexes when those change', async () => {
    const store = openStore();
    await store.commit(createCommit('j1', { state: 'intake.screening', phase: 'intake' }));
    const first = (await store.load('j1'))!;
    const next = { ...first, version: 2, phase: 'closed', state: 'closed', status: 'done' as const, patientRef: 'pt-merged', definitionId: 'other' };
    await store.commit({ journey: next, expectedVersion: 1, timersToSet: [], timersToCancel: [], outbox: [] });
    expect(await store.load('j1')).toEqual(next);
    const ids = async (q: Parameters<SqliteStore['query']>[0]) => (await store.query(q)).map((r) => r.id);
    expect(await ids({ phase: 'intake' })).toEqual([]);
    expect(await ids({ phase: 'closed' })).toEqual(['j1']);
    expect(await ids({ status: 'active' })).toEqual([]);
    expect(await ids({ status: 'done' })).toEqual(['j1']);
    expect(await ids({ patientRef: 'pt-j1' })).toEqual([]);
    expect(await ids({ patientRef: 'pt-merged' })).toEqual(['j1']);
    expect(await ids({ definitionId: 'other', state: 'closed' })).toEqual(['j1']);
    expect(await ids({ state: 'intake' })).toEqual([]);
  });
});

describe('SqliteStore with damaged or hand-edited rows', () => {
  async function twoJourneys() {
    const store = openStore();
    const clock = new ManualClock(T0);
    const engine = createEngine({ definition: visitJourney, store, clock });
    for (const journeyId of ['broken', 'healthy']) {
      await engine.start({ journeyId, patientRef: `pt-${journeyId}`, input: {}, actor: actors.coordinator });
      await engine.send(journeyId, { type: 'consent.recorded' }, { actor: actors.physician });
      await engine.send(journeyId, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    }
    return { store, clock, engine, db: rawDb(store.path) };
  }

  it('names the journey when its snapshot is not JSON, and the other journeys keep working', async () => {
    const { store, engine, db } = await twoJourneys();
    db.prepare("UPDATE journeys SET snapshot = '{\"status\": \"active\", \"value\": tr' WHERE id = 'broken'").run();

    const loadError = await rejection(store.load('broken'));
    expect(loadError.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(loadError.details.journeyId).toBe('broken');
    expect(loadError.message).toContain('"broken"');
    expect(loadError.message).not.toContain('"value": tr');
    expect((await rejection(engine.get('broken'))).code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    const refused = await engine.send('broken', { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(!refused.ok && refused.error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');

    const sent = await engine.send('healthy', { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(sent.ok && sent.view.stateLabel).toBe('checkedIn');
    expect((await engine.get('healthy')).stateLabel).toBe('checkedIn');
    expect(await engine.history('healthy')).toHaveLength(4);
    // Nothing was reset: the row is exactly as damaged as before, its timer still pending.
    expect(db.prepare("SELECT snapshot, version FROM journeys WHERE id = 'broken'").get()).toEqual({ snapshot: '{"status": "active", "value": tr', version: 3 });
    expect(await store.listTimers('broken')).toHaveLength(1);
    // Lists read no snapshots: the damaged journey is still listed, never silently left out.
    expect((await engine.query({ phase: 'booked' })).map((j) => j.id)).toEqual(['broken']);
    expect((await engine.query({ patientRef: 'pt-healthy' })).map((j) => j.id)).toEqual(['healthy']);
  });

  it('reports the due timer of a journey whose snapshot is not JSON and fires the others; it fires once the row is repaired', async () => {
    const { store, engine, clock, db } = await twoJourneys();
    const good = db.prepare("SELECT snapshot FROM journeys WHERE id = 'broken'").get() as { snapshot: string };
    db.prepare("UPDATE journeys SET snapshot = 'not json' WHERE id = 'broken'").run();
    clock.advanceTo('2026-01-06T00:00:00Z');
    const fired = await engine.runDue();
    expect(fired.map((f) => [f.journeyId, f.error?.code])).toEqual([
      ['broken', 'CJ_ERR_CORRUPT_SNAPSHOT'],
      ['healthy', undefined],
    ]);
    expect((await engine.get('healthy')).stateLabel).toBe('noShow');
    // The damaged journey's timer stays pending and its row untouched: nothing is lost.
    expect(await store.listTimers('broken')).toHaveLength(1);
    expect(db.prepare("SELECT snapshot FROM journeys WHERE id = 'broken'").get()).toEqual({ snapshot: 'not json' });

    db.prepare("UPDATE journeys SET snapshot = ? WHERE id = 'broken'").run(good.snapshot);
    expect((await engine.runDue()).map((f) => [f.journeyId, f.error?.code])).toEqual([['broken', undefined]]);
    expect((await engine.get('broken')).stateLabel).toBe('noShow');
  });

  it('refuses a journey stored under an unknown definition version with CJ_ERR_MIGRATION, untouched', async () => {
    const { store, engine, db } = await twoJourneys();
    db.prepare("UPDATE journeys SET definition_version = 99 WHERE id = 'broken'").run();
    const before = db.prepare("SELECT * FROM journeys WHERE id = 'broken'").get();

    const error = await rejection(engine.get('broken'));
    expect(error.code).toBe('CJ_ERR_MIGRATION');
    expect(error.details.journeyId).toBe('broken');
    const sent = await engine.send('broken', { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(!sent.ok && sent.error.code).toBe('CJ_ERR_MIGRATION');
    expect(db.prepare("SELECT * FROM journeys WHERE id = 'broken'").get()).toEqual(before);
    expect((await store.readJournal('broken')).map((e) => e.type)).toEqual(['journey.start', 'consent.recorded', 'visit.book']);

    const healthy = await engine.send('healthy', { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(healthy.ok).toBe(true);
  });

  it('refuses a journey whose hand-edited record breaks the record schema', async () => {
    const { engine, db } = await twoJourneys();
    db.prepare("UPDATE journeys SET status = 'paused' WHERE id = 'broken'").run();
    const error = await rejection(engine.get('broken'));
    expect(error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(error.details.journeyId).toBe('broken');
    expect((await engine.get('healthy')).stateLabel).toBe('booked');
  });

  it('names the journey when a journal row is not JSON', async () => {
    const { engine, db } = await twoJourneys();
    db.prepare("UPDATE journal SET payload = 'nope' WHERE journey_id = 'broken' AND seq = 2").run();
    const error = await rejection(engine.history('broken'));
    expect(error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(error.message).toContain('"broken"');
    expect(error.message).toContain('journal.payload (seq 2)');
    expect(await engine.history('healthy')).toHaveLength(3);
  });

  it('skips and reports a damaged timer row while the other timers fire', async () => {
    const reported: CareJourneyError[] = [];
    const store = openStore({ onCorruptRow: (e) => reported.push(e) });
    const clock = new ManualClock(T0);
    const engine = createEngine({ definition: visitJourney, store, clock });
    for (const journeyId of ['a-broken', 'b-healthy']) {
      await engine.start({ journeyId, patientRef: `pt-${journeyId}`, input: {}, actor: actors.coordinator });
      await engine.send(journeyId, { type: 'consent.recorded' }, { actor: actors.physician });
      await engine.send(journeyId, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    }
    const db = rawDb(store.path);
    db.prepare("UPDATE timers SET event = '{\"type\":' WHERE journey_id = 'a-broken'").run();
    clock.advanceTo('2026-01-06T00:00:00Z');
    const fired = await engine.runDue();
    expect(fired.map((f) => f.journeyId)).toEqual(['b-healthy']);
    expect((await engine.get('b-healthy')).stateLabel).toBe('noShow');
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.every((e) => e.code === 'CJ_ERR_CORRUPT_SNAPSHOT' && e.details.journeyId === 'a-broken')).toBe(true);
    expect(reported[0]!.message).toContain('timers.event');
    // Left untouched for repair, never deleted.
    expect(db.prepare("SELECT COUNT(*) AS n FROM timers WHERE journey_id = 'a-broken'").get()).toEqual({ n: 1 });
  });

  it('returns up to the limit of good rows even when damaged rows come first', async () => {
    const reported: CareJourneyError[] = [];
    const store = openStore({ onCorruptRow: (e) => reported.push(e) });
    for (let i = 1; i <= 5; i++) {
      await store.commit(createCommit(`j${i}`, {}, [{ journeyId: `j${i}`, key: 'machine:t', owner: 'machine', dueAt: T0 + i, event: { type: 't' } }]));
    }
    const db = rawDb(store.path);
    db.prepare("UPDATE timers SET event = 'x' WHERE journey_id IN ('j1', 'j2')").run();
    db.prepare("UPDATE outbox SET payload = 'x' WHERE journey_id IN ('j1', 'j2')").run();
    expect((await store.dueTimers(T0 + 100, 2)).map((t) => t.journeyId)).toEqual(['j3', 'j4']);
    expect((await store.pendingOutbox(2)).map((o) => o.journeyId)).toEqual(['j3', 'j4']);
    expect(new Set(reported.map((e) => e.details.journeyId))).toEqual(new Set(['j1', 'j2']));
  });

  it('reports through process warnings by default', async () => {
    const store = openStore();
    await store.commit(createCommit('j1', {}, [{ journeyId: 'j1', key: 'machine:t', owner: 'machine', dueAt: T0, event: { type: 't' } }]));
    rawDb(store.path).prepare("UPDATE timers SET event = 'x'").run();
    // Caught here rather than printed into the test output.
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(await store.listTimers('j1')).toEqual([]);
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(isCareJourneyError(emitWarning.mock.calls[0]?.[0], 'CJ_ERR_CORRUPT_SNAPSHOT')).toBe(true);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('skips and reports an outbox row of valid JSON and the wrong shape among healthy ones; the others are delivered', async () => {
    const path = tempDbPath();
    const writer = new SqliteStore({ path });
    for (const id of ['a', 'b-damaged', 'c']) await writer.commit(createCommit(id));
    await writer.close();
    const db = rawDb(path);
    // Valid JSON, but not what a transition item holds; and an unknown kind.
    db.prepare("UPDATE outbox SET kind = 'transition', payload = '{\"hello\":\"MARKER-8842\"}' WHERE journey_id = 'b-damaged'").run();
    db.prepare("INSERT INTO outbox (id, journey_id, kind, type, payload, created_at) VALUES ('b-damaged:9:0', 'b-damaged', 'teleport', 'x', '{}', '2026-01-05T09:00:00.000Z')").run();
    const store = openStore({ path, onCorruptRow: () => undefined });
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const delivered: string[] = [];
    const failed: DeliveryFailedNotice[] = [];
    engine.on('effect', (n) => void delivered.push(n.deliveryId));
    engine.on('delivery.failed', (n) => void failed.push(n));
    expect(await engine.recover()).toBe(2);
    expect(delivered).toEqual(['a:1:0', 'c:1:0']);
    expect(failed.map((f) => [f.journeyId, f.code, f.deliveryIds])).toEqual([
      ['b-damaged', 'CJ_ERR_CORRUPT_SNAPSHOT', ['b-damaged:1:0']],
      ['b-damaged', 'CJ_ERR_CORRUPT_SNAPSHOT', ['b-damaged:9:0']],
    ]);
    expect(failed.map((f) => f.message).join()).not.toContain('MARKER-8842');
    // The damaged rows stay pending and untouched; a second run delivers nothing twice.
    expect((await store.pendingOutbox(10)).map((i) => i.id)).toEqual(['b-damaged:1:0', 'b-damaged:9:0']);
    expect(await engine.recover()).toBe(0);
  });

  it.each([
    ['an unknown state', (good: Record<string, unknown>) => ({ ...good, value: 'MARKER-8842' })],
    ['a state nested under an unknown name', (good: Record<string, unknown>) => ({ ...good, value: { 'MARKER-8842': 'x' } })],
    ['a context that is not an object', (good: Record<string, unknown>) => ({ ...good, context: ['MARKER-8842'] })],
    ['history under an unknown key', (good: Record<string, unknown>) => ({ ...good, historyValue: { 'MARKER-8842': [{ id: 'MARKER-8842' }] } })],
    ['a status out of its list', (good: Record<string, unknown>) => ({ ...good, status: 'MARKER-8842' })],
    ['not an object', () => 'MARKER-8842'],
  ])('a corrupt snapshot (%s) gives an error that names the journey and never quotes the stored content', async (_label, damage) => {
    const store = openStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    await engine.start({ journeyId: 'j-1', patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const db = rawDb(store.path);
    const good = JSON.parse((db.prepare("SELECT snapshot FROM journeys WHERE id = 'j-1'").get() as { snapshot: string }).snapshot) as Record<string, unknown>;
    db.prepare("UPDATE journeys SET snapshot = ? WHERE id = 'j-1'").run(JSON.stringify(damage(good)));
    db.prepare("UPDATE journeys SET state = 'MARKER-8842' WHERE id = 'j-1'").run();
    const error = await rejection(engine.get('j-1'));
    expect(error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(error.message).toContain('"j-1"');
    const printed = [error.message, JSON.stringify(error), String(error.stack), String(error.cause), JSON.stringify(error.details)].join('\n');
    expect(printed).not.toContain('MARKER-8842');
    expect(error.cause).toBeUndefined();
    const refused = await engine.send('j-1', { type: 'consent.recorded' }, { actor: actors.physician });
    expect(!refused.ok && refused.error.message).not.toContain('MARKER-8842');
  });

  it('skips and reports a damaged outbox row while the others are redelivered', async () => {
    const reported: CareJourneyError[] = [];
    const path = tempDbPath();
    // A crash before delivery: commits made straight to the store leave the outbox undelivered.
    const writer = new SqliteStore({ path });
    await writer.commit(createCommit('a-broken'));
    await writer.commit(createCommit('b-healthy'));
    await writer.close();
    rawDb(path).prepare("UPDATE outbox SET payload = '{' WHERE journey_id = 'a-broken'").run();
    const store = openStore({ path, onCorruptRow: (e) => reported.push(e) });
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const delivered: string[] = [];
    engine.on('effect', (n) => void delivered.push(n.deliveryId));
    expect(await engine.recover()).toBe(1);
    expect(delivered).toEqual(['b-healthy:1:0']);
    expect(reported.map((e) => e.details.journeyId)).toContain('a-broken');
  });
});

describe('SqliteStore under write contention', () => {
  it('gives up after busyTimeoutMs with CJ_ERR_STORE naming the journey, writing nothing', async () => {
    const store = openStore({ busyTimeoutMs: 50 });
    const other = rawDb(store.path);
    other.prepare('BEGIN IMMEDIATE').run();
    const error = await rejection(store.commit(createCommit('j1')));
    expect(error.code).toBe('CJ_ERR_STORE');
    expect(error.details.journeyId).toBe('j1');
    other.prepare('ROLLBACK').run();
    expect(await store.load('j1')).toBeUndefined();
    await store.commit(createCommit('j1'));
    expect((await store.load('j1'))?.version).toBe(1);
  });
});

describe('a ketamine journey whose stored context breaks the definition\'s context schema', () => {
  it('is refused naming the journey and the fields, never quoting the stored values', async () => {
    const store = openStore();
    const engine = createEngine({
      definition: ketamineAnxietyJourney,
      store,
      clock: new ManualClock(T0),
      protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true },
    });
    await engine.start({ journeyId: 'k-1', patientRef: 'pt-1', input: { referral: { source: 'professional', indication: 'panic' } }, actor: { id: 'c-1', role: 'coordinator' } });
    const db = rawDb(store.path);
    const snapshot = JSON.parse((db.prepare("SELECT snapshot FROM journeys WHERE id = 'k-1'").get() as { snapshot: string }).snapshot) as { context: Record<string, unknown> };
    snapshot.context['patientRef'] = 8842;
    snapshot.context['referral'] = { source: 'MARKER-8842', indication: 'MARKER-8842' };
    db.prepare("UPDATE journeys SET snapshot = ? WHERE id = 'k-1'").run(JSON.stringify(snapshot));
    const error = await rejection(engine.get('k-1'));
    expect(error.code).toBe('CJ_ERR_CORRUPT_SNAPSHOT');
    expect(error.message).toContain('context.patientRef');
    expect(error.message).not.toMatch(/MARKER-8842|8842/);
  });
});

describe('SqliteStore and text SQLite would alter', () => {
  it('refuses lone surrogates through the engine, storing nothing, and at its own boundary', async () => {
    const store = openStore();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    await expect(engine.start({ journeyId: 'j-\uD800', patientRef: 'pt-1', input: {}, actor: actors.coordinator })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    await expect(engine.start({ patientRef: 'pt-\uDC00', input: {}, actor: actors.coordinator })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_INPUT' });
    expect(await store.query({})).toEqual([]);
    const { id } = await engine.start({ journeyId: 'j-ok', patientRef: 'pt-Zoë-😀', input: {}, actor: actors.coordinator });
    const sent = await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician, idempotencyKey: 'k-\uD83D' });
    expect(!sent.ok && sent.error.code).toBe('CJ_ERR_INVALID_EVENT');
    // A well-formed id reads back exactly as written, and later sends work.
    expect((await store.load('j-ok'))?.patientRef).toBe('pt-Zoë-😀');
    expect((await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician, idempotencyKey: 'k-😀' })).ok).toBe(true);

    // The store refuses such a commit itself, whoever calls it.
    const error = await rejection(store.commit(createCommit('j-\uD800')));
    expect(error.code).toBe('CJ_ERR_INVALID_INPUT');
    expect(await store.query({})).toHaveLength(1);
  });
});

describe('SqliteStore: a busy write lock between commit and delivery', () => {
  it('send returns the applied event; the delivered mark stays queued, is never handed out again, and is written once the lock is free', async () => {
    const store = openStore({ busyTimeoutMs: 20 });
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const other = rawDb(store.path);
    let lockNext = false;
    const seen: TransitionNotice[] = [];
    engine.on('transition', (n) => {
      seen.push(n);
      // Another process takes the write lock right after the commit, before the items are marked.
      if (lockNext) {
        lockNext = false;
        other.prepare('BEGIN IMMEDIATE').run();
      }
    });
    const failed: DeliveryFailedNotice[] = [];
    engine.on('delivery.failed', (n) => void failed.push(n));
    lockNext = true;
    const result = await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    expect(result.ok).toBe(true);
    expect(result.ok && result.view.version).toBe(2);
    // Marking needs no write lock now: it is queued for the next transaction.
    expect(failed).toEqual([]);
    // The lock is still held, so the marks cannot be written; this process still never hands
    // the delivered item out again.
    expect(await store.pendingOutbox(10)).toEqual([]);
    expect(await engine.recover()).toBe(0);
    const undelivered = () => (other.prepare('SELECT id FROM outbox WHERE delivered_at IS NULL').all() as { id: string }[]).map((r) => r.id);
    other.prepare('ROLLBACK').run();
    expect(undelivered()).toEqual([`${id}:2:0`]);
    // Once the lock is free, the next read of the outbox writes the queued mark.
    expect(await store.pendingOutbox(10)).toEqual([]);
    expect(undelivered()).toEqual([]);
    expect(seen.filter((n) => n.deliveryId === `${id}:2:0`)).toHaveLength(1);
    expect((await engine.history(id)).map((e) => e.type)).toEqual(['journey.start', 'consent.recorded']);
  });
});

describe('the engine on SqliteStore', () => {
  it('runs a visit with durable timers across a restart, and the journal replays', async () => {
    const path = tempDbPath();
    const clock = new ManualClock(T0);
    let store = new SqliteStore({ path });
    let engine = createEngine({ definition: visitJourney, store, clock });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    const booked = await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    expect(booked.ok && booked.view.timers.map((t) => t.dueAt)).toEqual(['2026-01-05T10:30:00.000Z']);
    await store.close();

    clock.advanceTo('2026-01-05T11:00:00Z');
    store = new SqliteStore({ path });
    closeAfter(store);
    engine = createEngine({ definition: visitJourney, store, clock });
    const fired = await engine.runDue();
    expect(fired.map((f) => [f.journeyId, f.dueAt])).toEqual([[id, '2026-01-05T10:30:00.000Z']]);
    expect(await engine.runDue()).toEqual([]);
    const view = await engine.get(id);
    expect(view.stateLabel).toBe('noShow');
    expect(view.context).toMatchObject({ noShows: 1 });

    const again = await engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator, idempotencyKey: 'rebook-1' });
    const duplicate = await engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator, idempotencyKey: 'rebook-1' });
    expect(again.ok && duplicate.ok && duplicate.duplicate && duplicate.entry.seq === again.entry.seq).toBe(true);

    const history = await engine.history(id);
    expect(history.map((e) => e.type)).toEqual(['journey.start', 'consent.recorded', 'visit.book', 'xstate.after.noShowDelay.visit.booked', 'visit.book']);
    // The start entry names the protocol by ref; the store hands it back for the replay.
    expect(await replayStored(store, visitJourney, history)).toEqual((await store.load(id))!.snapshot);
    expect((await engine.query({ state: 'booked' })).map((j) => j.id)).toEqual([id]);
  });
});

describe('SqliteStore outbox history', () => {
  it('prunes delivered rows delivered before an instant and never an undelivered one', async () => {
    const store = openStore();
    const clock = new ManualClock(T0);
    const engine = createEngine({ definition: visitJourney, store, clock });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator, journeyId: 'j-prune' });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    // One more committed item left undelivered, as after a crash between commit and delivery.
    await store.commit({
      ...createCommit('j-other'),
      outbox: [{ id: 'j-other:1:0', journeyId: 'j-other', kind: 'effect', type: 'safety.alert', payload: {}, createdAt: new Date(T0).toISOString() }],
    });
    const db = rawDb(store.path);
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    expect(count()).toBe(3);

    expect(await store.pruneDelivered({ deliveredBefore: new Date(Date.now() - 86_400_000) })).toBe(0);
    expect(await store.pruneDelivered({ deliveredBefore: new Date(Date.now() + 60_000) })).toBe(2);
    expect(count()).toBe(1);
    expect((await store.pendingOutbox(10)).map((o) => o.id)).toEqual(['j-other:1:0']);
    // The journey goes on: its next outbox ids are new ones.
    const sent = await engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator });
    expect(sent.ok).toBe(true);

    const bad = await rejection(store.pruneDelivered({ deliveredBefore: 'last tuesday' }));
    expect(bad.code).toBe('CJ_ERR_INVALID_INPUT');
    expect(bad.details.issues?.[0]?.path).toBe('deliveredBefore');
  });
});

// ----------------------------------------------------------------------------- helpers

function createCommit(
  id: string,
  over: { state?: string; phase?: string } = {},
  timers: TimerRow[] = [],
): JourneyCommit {
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
