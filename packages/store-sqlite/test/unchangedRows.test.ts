// A load of a journey whose row no other connection can have changed since this store wrote or
// read it (SQLite's `PRAGMA data_version` is unchanged) hands out the kept record without reading
// the row. Any other connection's commit (another store on the file, a hand's UPDATE, a commit to
// another journey) makes the next load read and compare the row again.
import { describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import type { SqliteStore } from '../src/index.js';
import { openedFiles } from './helpers/openedFiles.js';
import { tempDbPath } from './helpers/tempDb.js';

const { openStore, rawDb } = openedFiles({ synchronous: 'normal' });

const engineOn = (store: SqliteStore) => createEngine({ definition: visitJourney, store, clock: new ManualClock('2026-01-05T09:00:00Z') });

describe('SqliteStore loads of rows no other connection changed', () => {
  it('hands out the record its own commit kept, the same object each time, while nothing else writes', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const engine = engineOn(store);
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const first = (await store.load(id))!;
    expect(await store.load(id)).toBe(first);
    expect(first.version).toBe(1);
  });

  it('reads the row again after a hand changes it through another connection, at the same version', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { id } = await engineOn(store).start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const before = (await store.load(id))!;
    rawDb(path).prepare("UPDATE journeys SET phase = 'changed-by-hand' WHERE id = ?").run(id);
    const after = (await store.load(id))!;
    expect(after.version).toBe(before.version);
    expect(after.phase).toBe('changed-by-hand');
    // Read once, the changed row is kept in turn: the next load hands out the same record.
    expect(await store.load(id)).toBe(after);
  });

  it('sees a commit another store on the file made to the journey, after its own commit and after its own load', async () => {
    const path = tempDbPath();
    const a = openStore(path);
    const b = openStore(path);
    const engineA = engineOn(a);
    const engineB = engineOn(b);
    const { id } = await engineA.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    // After A's own commit: B commits the next event.
    const sent = await engineB.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    expect(sent.ok).toBe(true);
    const seenByA = (await a.load(id))!;
    expect(seenByA.version).toBe(2);
    expect(seenByA).toStrictEqual(await b.load(id));
    // After A's own load: B commits again, A sees it.
    const second = await engineB.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    expect(second.ok).toBe(true);
    expect((await a.load(id))!.version).toBe(3);
    // And A's engine, which last committed at version 1, reads B's state and applies the next event on top of it.
    expect((await engineA.get(id)).state).toBe('booked');
    const third = await engineA.send(id, { type: 'patient.arrived' }, { actor: actors.nurse });
    expect(third.ok && third.view.version).toBe(4);
  });

  it('reads the row again after another connection commits to another journey, and hands out the same record when it is unchanged', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const engine = engineOn(store);
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const kept = (await store.load(id))!;
    const other = openStore(path);
    await engineOn(other).start({ patientRef: 'pt-2', input: {}, actor: actors.coordinator });
    expect(await store.load(id)).toBe(kept);
    expect((await store.load(id))!.version).toBe(1);
  });

  it('keeps nothing of a commit the database refused: the next load gives the row as it is', async () => {
    const path = tempDbPath();
    const a = openStore(path);
    const b = openStore(path);
    const { id } = await engineOn(a).start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const loaded = (await a.load(id))!;
    await engineOn(b).send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    // A commit from A's stale version 1 is a conflict, and A's next load gives B's row.
    await expect(a.commit({ journey: { ...loaded, version: 2, updatedAt: '2026-01-05T10:00:00.000Z' }, expectedVersion: 1, timersToSet: [], timersToCancel: [], outbox: [] })).rejects.toMatchObject({ code: 'CJ_ERR_CONFLICT' });
    const after = (await a.load(id))!;
    expect(after.version).toBe(2);
    expect(after).toStrictEqual(await b.load(id));
  });
});
