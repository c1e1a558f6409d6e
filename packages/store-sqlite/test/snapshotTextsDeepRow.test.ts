// A row nested deeper than a frozen copy can go (hand-edited or damaged) is read as it was before
// SqliteStore kept snapshot texts: `load` hands it out as parsed, and the engine refuses the
// journey with CJ_ERR_CORRUPT_SNAPSHOT naming it, instead of a RangeError escaping the store.
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { SnapshotTexts } from '../src/SnapshotTexts.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

/** A JSON object holding arrays nested `depth` deep: JSON.parse reads it, JSON.stringify of it overflows the stack. */
const deepText = (depth: number) => `{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('SqliteStore snapshot texts, deeply nested rows', () => {
  it('a row set by another connection to JSON nested 100,000 deep loads as parsed, and the engine refuses it naming the journey', async () => {
    const path = tempDbPath();
    const store = new SqliteStore({ path, synchronous: 'normal' });
    open.push(store);
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock('2026-01-05T09:00:00Z') });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const good = await engine.get(id);
    const db = new Database(path);
    open.push(db);
    const text = (db.prepare('SELECT snapshot FROM journeys WHERE id = ?').get(id) as { snapshot: string }).snapshot;
    db.prepare('UPDATE journeys SET snapshot = ? WHERE id = ?').run(deepText(100_000), id);

    const loaded = (await store.load(id))!;
    expect(Object.keys(loaded.snapshot as object)).toEqual(['deep']);
    await expect(engine.get(id)).rejects.toMatchObject({ code: 'CJ_ERR_CORRUPT_SNAPSHOT', details: { journeyId: id } });
    const refused = await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CJ_ERR_CORRUPT_SNAPSHOT', details: { journeyId: id } } });

    // Put back: read from its text again, and the journey goes on.
    db.prepare('UPDATE journeys SET snapshot = ? WHERE id = ?').run(text, id);
    expect((await store.load(id))!.snapshot).toStrictEqual(JSON.parse(text));
    expect((await engine.get(id)).context).toStrictEqual(good.context);
    expect(await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician })).toMatchObject({ ok: true });
  });

  it('SnapshotTexts: a parsed value too deep to copy is returned as parsed and not kept; remember never throws', () => {
    const texts = new SnapshotTexts();
    const text = deepText(100_000);
    const parsed: unknown = JSON.parse(text);
    expect(texts.rememberParsed('j1', text, parsed)).toBe(parsed);
    expect(texts.valueOf('j1', text)).toBeUndefined();
    texts.remember('j2', '{"n":2}', { n: 2 });
    expect(texts.remember('j2', text, parsed)).toBeUndefined();
    expect(texts.valueOf('j2', '{"n":2}')).toBeUndefined();
    expect(texts.valueOf('j2', text)).toBeUndefined();
  });
});
