// Schema version 2 rebuilds `journeys` with the snapshot column last; version 3 adds the
// `protocols` table. A file created at an earlier version (by the frozen DDL of that release, its
// rows as that release wrote them) upgrades on open, in one transaction, keeping every row.
import { openSync, writeSync, closeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEngine, ManualClock, protocolRefOf, replayJournal } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SCHEMA_VERSION, SCHEMA_VERSION_TABLE, SqliteStore } from '../src/index.js';
import { STORE_SQL } from '../src/storeSql.js';
import { createSchemaV1 } from './fixtures/schemaV1.js';
import { createSchemaV2 } from './fixtures/schemaV2.js';
import { openedFiles } from './helpers/openedFiles.js';
import { tempDbPath } from './helpers/tempDb.js';


const T0 = Date.parse('2026-01-05T09:00:00Z');
/** The tables of schema versions 1 and 2. */
const TABLES = ['journeys', 'journey_states', 'journal', 'idempotency_keys', 'timers', 'outbox'];
const V1_DESCRIPTION = { version: 1, description: 'journeys, state leaves, journal, idempotency keys, timers, outbox' };
const V2_DESCRIPTION = { version: 2, description: 'journeys rebuilt with the snapshot column last' };
const V3_DESCRIPTION = { version: 3, description: 'protocols, each version stored once by its ref' };
const { rawDb, closeAfter } = openedFiles();


const columnsOf = (db: Database.Database, table: string) => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
const indexesOf = (db: Database.Database) =>
  db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all() as { name: string; tbl_name: string; sql: string | null }[];

/** Overwrites with zeros the overflow pages of `journeys` (where a large snapshot spills), in the file itself. */
function zeroOverflowPages(path: string): void {
  const db = new Database(path);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'journeys' AND pagetype = 'overflow'").all() as { pageno: number }[]).map((r) => r.pageno);
  // Closing the last connection checkpoints the log into the file, so the pages are in it.
  db.close();
  expect(pages.length).toBeGreaterThan(10);
  const fd = openSync(path, 'r+');
  for (const page of pages) writeSync(fd, Buffer.alloc(pageSize), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
}

/** Runs a statement on a fresh read-only connection: its row, or the SQLite error code. */
function tryGet(path: string, sql: string, ...params: unknown[]): unknown {
  const db = rawDb(path, { readonly: true });
  try {
    return db.prepare(sql).get(...params);
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

type Json = Record<string, unknown>;

/**
 * Rewrites the rows an engine of this release wrote into the form releases before schema version
 * 3 wrote them: the protocol inline (in the snapshot's `context.protocol`, and as `protocol` in
 * the start entry and the outbox item that carries it) instead of referred to by its ref.
 */
function inlineProtocols(db: Database.Database, bodies: ReadonlyMap<string, string>): void {
  const protocolOf = (ref: unknown): Json => {
    const body = typeof ref === 'string' ? bodies.get(ref) : undefined;
    expect(body, `protocol ${String(ref)}`).toBeDefined();
    return JSON.parse(body!) as Json;
  };
  // As the start entry was: { patientRef, input, protocol }.
  const startPayload = ({ protocolRef, ...rest }: Json): Json => ({ ...rest, protocol: protocolOf(protocolRef) });
  let inlined = 0;
  for (const row of db.prepare('SELECT id, snapshot FROM journeys').all() as { id: string; snapshot: string }[]) {
    const snapshot = JSON.parse(row.snapshot) as { context: Json };
    const ref = (snapshot.context['protocol'] as Json | undefined)?.['$protocolRef'];
    if (ref === undefined) continue;
    snapshot.context['protocol'] = protocolOf(ref);
    db.prepare('UPDATE journeys SET snapshot = ? WHERE id = ?').run(JSON.stringify(snapshot), row.id);
    inlined++;
  }
  for (const row of db.prepare("SELECT journey_id, seq, payload FROM journal WHERE kind = 'start'").all() as { journey_id: string; seq: number; payload: string }[]) {
    db.prepare('UPDATE journal SET payload = ? WHERE journey_id = ? AND seq = ?').run(JSON.stringify(startPayload(JSON.parse(row.payload) as Json)), row.journey_id, row.seq);
  }
  for (const row of db.prepare("SELECT id, payload FROM outbox WHERE kind = 'transition'").all() as { id: string; payload: string }[]) {
    const entry = JSON.parse(row.payload) as Json;
    if (entry['kind'] !== 'start') continue;
    db.prepare('UPDATE outbox SET payload = ? WHERE id = ?').run(JSON.stringify({ ...entry, payload: startPayload(entry['payload'] as Json) }), row.id);
  }
  expect(inlined).toBeGreaterThan(0);
}

/**
 * A file at an earlier schema version holding a real journey (booked, so with a timer; one outbox
 * item left undelivered; an idempotency key), its rows copied from a file the engine wrote and
 * put in the form that release wrote them (the protocol inline).
 */
async function olderFile(createSchema: (db: Database.Database) => void): Promise<{ path: string; journeyId: string; protocol: Json }> {
  const source = tempDbPath();
  const store = new SqliteStore({ path: source });
  const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
  const { id } = await engine.start({ journeyId: 'j-1', patientRef: 'pt-1', input: {}, actor: actors.coordinator });
  await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician, idempotencyKey: 'k-1' });
  await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
  await store.close();
  const undelivered = new Database(source);
  undelivered.prepare("UPDATE outbox SET delivered_at = NULL WHERE id = 'j-1:3:0'").run();
  const bodies = new Map((undelivered.prepare('SELECT ref, body FROM protocols').all() as { ref: string; body: string }[]).map((r) => [r.ref, r.body]));
  undelivered.close();
  expect(bodies.size).toBe(1);

  const path = tempDbPath();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  createSchema(db);
  db.prepare('ATTACH DATABASE ? AS src').run(source);
  for (const table of TABLES) {
    const columns = columnsOf(db, table).join(', ');
    db.exec(`INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM src.${table}`);
  }
  db.exec('DETACH DATABASE src');
  inlineProtocols(db, bodies);
  db.close();
  return { path, journeyId: id, protocol: JSON.parse([...bodies.values()][0]!) as Json };
}

const versionOneFile = () => olderFile(createSchemaV1);
const versionTwoFile = () => olderFile(createSchemaV2);

/** Everything stored about a journey, read through the store. */
async function dump(store: SqliteStore, id: string) {
  return {
    record: await store.load(id),
    journal: await store.readJournal(id),
    timers: await store.listTimers(id),
    outbox: await store.pendingOutbox(10, id),
    key: await store.findIdempotencyKey(id, 'k-1'),
    byState: (await store.query({ state: 'booked' })).map((j) => j.id),
    byPatient: (await store.query({ patientRef: 'pt-1' })).map((j) => j.id),
  };
}

describe('SqliteStore schema version 2: the snapshot column last', () => {
  it('a new file has the snapshot as the last column of journeys', () => {
    const path = tempDbPath();
    closeAfter(new SqliteStore({ path }));
    const db = rawDb(path);
    expect(columnsOf(db, 'journeys')).toEqual([
      'id',
      'definition_id',
      'definition_version',
      'patient_ref',
      'version',
      'last_seq',
      'state',
      'phase',
      'status',
      'created_at',
      'updated_at',
      'snapshot',
    ]);
  });

  it('upgrades a version-1 file on open: journeys rebuilt with the snapshot last, every row, index and journey kept', async () => {
    const { path, journeyId } = await versionOneFile();
    const before = rawDb(path, { readonly: true });
    expect(columnsOf(before, 'journeys').indexOf('snapshot')).toBe(6);
    const rowsBefore = Object.fromEntries(TABLES.map((t) => [t, before.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
    const indexesBefore = indexesOf(before);
    before.close();

    const store = new SqliteStore({ path });
    closeAfter(store);
    const db = rawDb(path);
    expect(db.prepare(`SELECT version, description FROM ${SCHEMA_VERSION_TABLE} ORDER BY version`).all()).toEqual([V1_DESCRIPTION, V2_DESCRIPTION, V3_DESCRIPTION]);
    const columns = columnsOf(db, 'journeys');
    expect(columns[columns.length - 1]).toBe('snapshot');
    expect([...columns].sort()).toEqual(Object.keys(rowsBefore.journeys![0] as object).sort());
    // Every row of every table is there, column for column; the indexes have their names and columns.
    for (const table of TABLES) expect(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(), table).toEqual(rowsBefore[table]);
    expect(indexesOf(db).filter((i) => i.tbl_name !== 'protocols')).toEqual(indexesBefore);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%journeys_v2%'").all()).toEqual([]);

    // The store reads the upgraded file as it read the old one, and the journey goes on.
    const stored = await dump(store, journeyId);
    expect(stored.record).toMatchObject({ id: journeyId, version: 3, state: 'booked' });
    expect(stored.timers.map((t) => t.key)).toEqual(['machine:xstate.after.noShowDelay.visit.booked']);
    expect(stored.outbox.map((o) => o.id)).toEqual(['j-1:3:0']);
    expect(stored.key).toBe(2);
    expect([stored.byState, stored.byPatient]).toEqual([[journeyId], [journeyId]]);
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    expect(await engine.recover()).toBe(1);
    const arrived = await engine.send(journeyId, { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(arrived.ok && arrived.view.stateLabel).toBe('checkedIn');
    // The journey's next commit stored its protocol by reference; the old journal still replays.
    expect(db.prepare('SELECT COUNT(*) AS n FROM protocols').get()).toEqual({ n: 1 });
    expect(replayJournal(visitJourney, await store.readJournal(journeyId))).toEqual((await store.load(journeyId))?.snapshot);
  });

  it('opening the upgraded file again changes nothing', async () => {
    const { path } = await versionOneFile();
    await new SqliteStore({ path }).close();
    const first = new Database(path, { readonly: true });
    const schema = first.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    first.close();
    await new SqliteStore({ path }).close();
    const again = rawDb(path);
    expect(again.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(schema);
    expect(again.prepare(`SELECT COUNT(*) AS n FROM ${SCHEMA_VERSION_TABLE}`).get()).toEqual({ n: 3 });
  });

  it('an upgrade that fails part-way leaves the file at version 1, untouched', async () => {
    const { path } = await versionOneFile();
    const db = rawDb(path);
    // A table in the way of the rebuild: the step fails after nothing of it can be kept.
    db.exec('CREATE TABLE journeys_v2 (x TEXT)');
    const before = db.prepare('SELECT * FROM journeys').all();
    expect(() => new SqliteStore({ path })).toThrow(expect.objectContaining({ code: 'CJ_ERR_STORE' }));
    expect(db.prepare(`SELECT MAX(version) AS v FROM ${SCHEMA_VERSION_TABLE}`).get()).toEqual({ v: 1 });
    expect(columnsOf(db, 'journeys').indexOf('snapshot')).toBe(6);
    expect(db.prepare('SELECT * FROM journeys').all()).toEqual(before);
  });

  it("the commit's version check reads only the row's first page, never the snapshot's overflow pages", async () => {
    // A large snapshot spills onto overflow pages. Zeroing those pages in the file leaves the
    // version check answering (it never reads them) while loading the snapshot fails. On the
    // version-1 layout the same check reads them (its columns follow the snapshot) and fails.
    const at = new Date(T0).toISOString();
    const snapshot = { status: 'active', value: 'referral', context: { notes: 'x'.repeat(200_000) } };
    const path = tempDbPath();
    const store = new SqliteStore({ path });
    await store.commit({
      journey: { id: 'j-big', definitionId: 'clinic-visit', definitionVersion: 2, patientRef: 'pt-big', version: 1, lastSeq: 0, snapshot, state: 'referral', phase: 'referral', status: 'active', createdAt: at, updatedAt: at },
      expectedVersion: 0,
      timersToSet: [],
      timersToCancel: [],
      outbox: [],
    });
    await store.close();
    zeroOverflowPages(path);
    expect(tryGet(path, STORE_SQL.journeyVersion, 'j-big')).toEqual({ version: 1, state: 'referral', phase: 'referral', status: 'active', patient_ref: 'pt-big', definition_id: 'clinic-visit' });
    expect(tryGet(path, STORE_SQL.loadJourney, 'j-big')).toBe('SQLITE_CORRUPT');

    // The version-1 layout, written by the raw statements (the store would upgrade the file).
    const oldPath = tempDbPath();
    const old = new Database(oldPath);
    old.pragma('journal_mode = WAL');
    createSchemaV1(old);
    old.prepare(STORE_SQL.insertJourney).run(2, 1, 0, JSON.stringify(snapshot), 'referral', at, at, 'referral', 'active', 'pt-big', 'clinic-visit', 'j-big');
    old.close();
    zeroOverflowPages(oldPath);
    expect(tryGet(oldPath, STORE_SQL.journeyVersion, 'j-big')).toBe('SQLITE_CORRUPT');
  });

  it('the version check and the summaries read only columns stored before the snapshot', () => {
    const path = tempDbPath();
    closeAfter(new SqliteStore({ path }));
    const db = rawDb(path);
    const columns = columnsOf(db, 'journeys');
    const snapshotAt = columns.indexOf('snapshot');
    for (const sql of [STORE_SQL.journeyVersion, STORE_SQL.loadJourney]) {
      const read = db.prepare(sql).columns().map((c) => c.column!);
      const small = read.filter((c) => c !== 'snapshot');
      expect(small.every((c) => columns.indexOf(c) < snapshotAt), sql).toBe(true);
    }
    expect(db.prepare(STORE_SQL.journeyVersion).columns().map((c) => c.column)).not.toContain('snapshot');
  });
});

describe('SqliteStore schema version 3: protocols stored once', () => {
  it('a new file has the protocols table', () => {
    const path = tempDbPath();
    closeAfter(new SqliteStore({ path }));
    const db = rawDb(path);
    expect(SCHEMA_VERSION).toBe(3);
    expect(columnsOf(db, 'protocols')).toEqual(['ref', 'definition_id', 'body', 'created_at']);
    expect(db.prepare(`SELECT version, description FROM ${SCHEMA_VERSION_TABLE} ORDER BY version`).all()).toEqual([V1_DESCRIPTION, V2_DESCRIPTION, V3_DESCRIPTION]);
  });

  it('upgrades a version-2 file on open: every row and index kept, and the new table stores protocols', async () => {
    const { path, journeyId, protocol } = await versionTwoFile();
    const before = rawDb(path, { readonly: true });
    expect(before.prepare(`SELECT MAX(version) AS v FROM ${SCHEMA_VERSION_TABLE}`).get()).toEqual({ v: 2 });
    expect(before.prepare("SELECT name FROM sqlite_master WHERE name = 'protocols'").all()).toEqual([]);
    const rowsBefore = Object.fromEntries(TABLES.map((t) => [t, before.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
    const indexesBefore = indexesOf(before);
    before.close();

    const store = new SqliteStore({ path });
    closeAfter(store);
    const db = rawDb(path);
    expect(db.prepare(`SELECT version, description FROM ${SCHEMA_VERSION_TABLE} ORDER BY version`).all()).toEqual([V1_DESCRIPTION, V2_DESCRIPTION, V3_DESCRIPTION]);
    for (const table of TABLES) expect(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(), table).toEqual(rowsBefore[table]);
    expect(indexesOf(db).filter((i) => i.tbl_name !== 'protocols')).toEqual(indexesBefore);
    expect(db.prepare('SELECT * FROM protocols').all()).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    // The journey reads back as it was stored, its protocol inline, and goes on.
    const stored = await dump(store, journeyId);
    expect(stored.record).toMatchObject({ id: journeyId, version: 3, state: 'booked' });
    expect((stored.record?.snapshot as { context: { protocol: unknown } }).context.protocol).toEqual(protocol);
    expect(stored.outbox.map((o) => o.id)).toEqual(['j-1:3:0']);
    expect(stored.key).toBe(2);
    const ref = protocolRefOf(protocol);
    expect(await store.loadProtocol(ref)).toBeUndefined();
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
    expect(await engine.recover()).toBe(1);
    const arrived = await engine.send(journeyId, { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(arrived.ok && arrived.view.stateLabel).toBe('checkedIn');
    expect(arrived.ok && arrived.view.context).toMatchObject({ protocol });

    // Its next commit stored the protocol once, in the new table, and refers to it by ref.
    const kept = await store.loadProtocol(ref);
    expect(kept).toEqual({ ref, definitionId: 'clinic-visit', protocol, createdAt: expect.any(String) });
    expect((await store.load(journeyId))?.snapshot).toMatchObject({ context: { protocol: { $protocolRef: ref } } });
    expect(replayJournal(visitJourney, await store.readJournal(journeyId))).toEqual((await store.load(journeyId))?.snapshot);

    // A journey started by another engine under the same protocol brings it again: still one row, unchanged.
    const other = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0 + 86_400_000) });
    const second = await other.start({ journeyId: 'j-2', patientRef: 'pt-2', input: {}, actor: actors.coordinator });
    expect((await store.readJournal(second.id))[0]?.payload).toMatchObject({ protocolRef: ref });
    expect(db.prepare('SELECT COUNT(*) AS n FROM protocols').get()).toEqual({ n: 1 });
    expect(await store.loadProtocol(ref)).toEqual(kept);
    const journal = await store.readJournal(second.id);
    expect(replayJournal(visitJourney, journal, { protocol: kept!.protocol })).toEqual((await store.load(second.id))?.snapshot);
  });

  it('an upgrade that fails part-way leaves the file at version 2, untouched', async () => {
    const { path } = await versionTwoFile();
    const db = rawDb(path);
    // A table in the way of the new one: the step fails, and nothing of it is kept.
    db.exec('CREATE TABLE protocols (x TEXT)');
    const schema = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    const before = Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
    expect(() => new SqliteStore({ path })).toThrow(expect.objectContaining({ code: 'CJ_ERR_STORE' }));
    expect(db.prepare(`SELECT MAX(version) AS v FROM ${SCHEMA_VERSION_TABLE}`).get()).toEqual({ v: 2 });
    expect(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(schema);
    for (const table of TABLES) expect(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(), table).toEqual(before[table]);
  });
});
