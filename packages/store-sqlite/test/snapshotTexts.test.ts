// SqliteStore keeps the last snapshot it wrote or read per journey, with the row's exact text:
// a load of an unchanged row hands out that frozen value without parsing; any other row (changed
// by another connection, by hand, or damaged) is read exactly as before.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEngine, isFrozenJson, ketamineAnxietyJourney, ManualClock, type JourneyCommit } from '@carejourney/core';
import { COURSE_PROTOCOL, COURSE_START, IV_COURSE, runCourse } from '../../core/test/fixtures/ketamineCourse.js';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { SnapshotTexts } from '../src/SnapshotTexts.js';
import { openedFiles } from './helpers/openedFiles.js';
import { tempDbPath } from './helpers/tempDb.js';

const { openStore, rawDb } = openedFiles({ synchronous: 'normal' });

function frozenAllThrough(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(frozenAllThrough);
}

const storedText = (db: Database.Database, id: string) => (db.prepare('SELECT snapshot FROM journeys WHERE id = ?').get(id) as { snapshot: string }).snapshot;

async function startedVisit(store: SqliteStore) {
  const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock('2026-01-05T09:00:00Z') });
  const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
  return { engine, id };
}

describe('SqliteStore snapshot texts', () => {
  it('a load after a commit gives what a parse of the row gives, frozen all through; changing it throws and later loads are unaffected', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { engine, id } = await startedVisit(store);
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    const db = rawDb(path);
    const loaded = (await store.load(id))!;
    expect(loaded.snapshot).toStrictEqual(JSON.parse(storedText(db, id)));
    expect(frozenAllThrough(loaded.snapshot)).toBe(true);
    expect(() => {
      (loaded.snapshot as { status: string }).status = 'done';
    }).toThrow(TypeError);
    expect((await store.load(id))!.snapshot).toStrictEqual(JSON.parse(storedText(db, id)));
    // The safe twin: a second store over the file, which never wrote the row, reads the same.
    const other = openStore(path);
    expect((await other.load(id))!.snapshot).toStrictEqual(loaded.snapshot);
  });

  it('a row changed by another connection at the same version is returned as stored; a damaged one is refused naming the journey', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { id } = await startedVisit(store);
    const before = (await store.load(id))!;
    const db = rawDb(path);
    const changed = { ...(before.snapshot as Record<string, unknown>), status: 'stopped' };
    db.prepare('UPDATE journeys SET snapshot = ? WHERE id = ?').run(JSON.stringify(changed), id);
    const after = (await store.load(id))!;
    expect(after.version).toBe(before.version);
    expect(after.snapshot).toStrictEqual(changed);
    db.prepare("UPDATE journeys SET snapshot = '{not json' WHERE id = ?").run(id);
    await expect(store.load(id)).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT', details: { journeyId: id } });
    // Put back as it was: read again from the text.
    db.prepare('UPDATE journeys SET snapshot = ? WHERE id = ?').run(JSON.stringify(before.snapshot), id);
    expect((await store.load(id))!.snapshot).toStrictEqual(before.snapshot);
  });

  it('a load of an unchanged row hands out the same frozen record each time; a summary column changed behind the store gives a new one with it', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { engine, id } = await startedVisit(store);
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    const db = rawDb(path);
    const first = (await store.load(id))!;
    expect(await store.load(id)).toBe(first);
    expect(frozenAllThrough(first)).toBe(true);
    expect(isFrozenJson(first)).toBe(true);
    expect(() => {
      (first as { version: number }).version = 99;
    }).toThrow(TypeError);
    const row = db.prepare('SELECT version, phase, updated_at FROM journeys WHERE id = ?').get(id) as { version: number; phase: string; updated_at: string };
    expect(first).toMatchObject({ version: row.version, phase: row.phase, updatedAt: row.updated_at });
    // Another connection changes a summary column and leaves the snapshot text as it was.
    db.prepare("UPDATE journeys SET phase = 'changed-by-hand', updated_at = '2030-01-01T00:00:00.000Z' WHERE id = ?").run(id);
    const after = (await store.load(id))!;
    expect(after).not.toBe(first);
    expect(after).toMatchObject({ phase: 'changed-by-hand', updatedAt: '2030-01-01T00:00:00.000Z', version: first.version });
    expect(after.snapshot).toBe(first.snapshot);
    expect(await store.load(id)).toBe(after);
    // The safe twin: a store that never held the row reads the same record.
    expect(await openStore(path).load(id)).toStrictEqual(after);
    // The next commit hands out the engine's own record, which is what the row now holds.
    const sent = await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    expect(sent.ok).toBe(true);
    const committed = (await store.load(id))!;
    expect(committed.version).toBe(first.version + 1);
    expect(await store.load(id)).toBe(committed);
    expect(await openStore(path).load(id)).toStrictEqual(committed);
  });

  it('a refused commit (a stale version, a duplicate outbox id) leaves loads giving the last committed snapshot', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { engine, id } = await startedVisit(store);
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    const committed = (await store.load(id))!;
    const next = (changes: Partial<JourneyCommit>): JourneyCommit => ({
      journey: { ...committed, version: committed.version + 1, snapshot: { ...(committed.snapshot as object), status: 'error' } },
      expectedVersion: committed.version,
      timersToSet: [],
      timersToCancel: [],
      outbox: [],
      ...changes,
    });
    await expect(store.commit(next({ expectedVersion: committed.version - 1, journey: { ...next({}).journey, version: committed.version } }))).rejects.toMatchObject({ code: 'CJ_ERR_CONFLICT' });
    // The start's transition item: stored already (delivered or not), so its id is taken.
    const taken = { id: `${id}:1:0`, journeyId: id, kind: 'transition' as const, type: 'journey.start', payload: {}, createdAt: committed.updatedAt };
    await expect(store.commit(next({ outbox: [taken] }))).rejects.toMatchObject({ code: 'CJ_ERR_CONFLICT', details: { reason: expect.stringContaining('outbox item') } });
    expect((await store.load(id))!.snapshot).toStrictEqual(committed.snapshot);
    expect(JSON.parse(storedText(rawDb(path), id))).toStrictEqual(committed.snapshot);
  });

  it('a host commit whose snapshot JSON would change (undefined, -0, a getter) is kept as its text reads back', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { id } = await startedVisit(store);
    const current = (await store.load(id))!;
    let reads = 0;
    const snapshot = {
      ...(current.snapshot as Record<string, unknown>),
      gone: undefined,
      zero: -0,
      get counter() {
        return ++reads;
      },
    };
    await store.commit({ journey: { ...current, version: current.version + 1, snapshot }, expectedVersion: current.version, timersToSet: [], timersToCancel: [], outbox: [] });
    const loaded = (await store.load(id))!.snapshot as Record<string, unknown>;
    expect(loaded).toStrictEqual(JSON.parse(storedText(rawDb(path), id)));
    expect('gone' in loaded).toBe(false);
    expect(Object.is(loaded['zero'], 0)).toBe(true);
    expect(loaded['counter']).toBe(1);
  });

  it('stays bounded, and what fell out of it still loads correctly', () => {
    const texts = new SnapshotTexts(3);
    for (let i = 0; i < 5; i++) texts.remember(`j${i}`, JSON.stringify({ n: i }), { n: i });
    expect(texts.valueOf('j0', '{"n":0}')).toBeUndefined();
    expect(texts.valueOf('j1', '{"n":1}')).toBeUndefined();
    expect(texts.valueOf('j4', '{"n":4}')).toStrictEqual({ n: 4 });
    // Used most recently, so j2 goes next, not j4.
    texts.remember('j5', '{"n":5}', { n: 5 });
    expect(texts.valueOf('j2', '{"n":2}')).toBeUndefined();
    expect(texts.valueOf('j4', '{"n":4}')).toStrictEqual({ n: 4 });
    // Other text than the kept one: not the kept value, and the entry is dropped.
    expect(texts.valueOf('j5', '{"n":6}')).toBeUndefined();
    expect(texts.valueOf('j5', '{"n":5}')).toBeUndefined();
  });

  it('keeps at most maxChars of text in all: the least recently used go first, and a text longer than the bound is not kept', () => {
    const texts = new SnapshotTexts(100, 30);
    const text = (n: number) => JSON.stringify({ n: String(n).padStart(8, '0') }); // 16 characters
    texts.remember('a', text(1), JSON.parse(text(1)));
    texts.remember('b', text(2), JSON.parse(text(2)));
    // 32 characters in all: over 30, so 'a' went.
    expect(texts.valueOf('a', text(1))).toBeUndefined();
    expect(texts.valueOf('b', text(2))).toStrictEqual({ n: '00000002' });
    const long = JSON.stringify({ n: 'x'.repeat(40) });
    expect(texts.remember('c', long, JSON.parse(long))).toStrictEqual({ n: 'x'.repeat(40) });
    expect(texts.valueOf('c', long)).toBeUndefined();
    expect(texts.valueOf('b', text(2))).toStrictEqual({ n: '00000002' });
  });

  it('more journeys than it keeps, loaded in turn, each load equal to a parse of its row', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock('2026-01-05T09:00:00Z') });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await engine.start({ patientRef: `pt-${i}`, input: {}, actor: actors.coordinator })).id);
    const db = rawDb(path);
    for (const id of [ids[0]!, ids[150]!, ids[299]!]) expect((await store.load(id))!.snapshot).toStrictEqual(JSON.parse(storedText(db, id)));
  });

  it('an engine over the store runs the shipped IV course to session 4 with the same journal and views as over a store that keeps nothing', async () => {
    const run = async (store: SqliteStore) => {
      const clock = new ManualClock(COURSE_START);
      const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: COURSE_PROTOCOL });
      const result = await runCourse(engine, clock, IV_COURSE, { untilSession: 4, journeyId: 'course-1' });
      const view = await engine.get(result.journeyId);
      return { journal: (await store.readJournal(result.journeyId)).map(({ recordedAt: _r, ...e }) => e), state: view.stateLabel, version: view.version, context: view.context };
    };
    const kept = await run(openStore());
    const plain = openStore();
    // A store whose cache never hits: every row is parsed.
    (plain as unknown as { load: SqliteStore['load'] }).load = async function (this: SqliteStore, id: string) {
      const fresh = new SqliteStore({ path: plain.path });
      try {
        return await fresh.load(id);
      } finally {
        await fresh.close();
      }
    };
    const parsed = await run(plain);
    expect(kept).toStrictEqual(parsed);
    expect(isFrozenJson(kept.context)).toBe(true);
  });
});
