// SqliteStore keeps the timer rows it last wrote or read, with their columns: a read of unchanged
// rows hands out the same frozen values (the engine's own, after its commit), and any row another
// connection changed, or damaged, is decoded exactly as before.
import { describe, expect, it } from 'vitest';
import { createEngine, isFrozenJson, ManualClock, type JourneyCommit, type TimerRow } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { KeptTimers, type TimerColumns } from '../src/KeptTimers.js';
import type { SqliteStore } from '../src/index.js';
import { openedFiles } from './helpers/openedFiles.js';
import { tempDbPath } from './helpers/tempDb.js';

const { openStore, rawDb } = openedFiles({ synchronous: 'normal' });
const T0 = Date.parse('2026-01-05T09:00:00Z');

/** A store whose commits are also handed to `commits`. */
function capturing(store: SqliteStore, commits: JourneyCommit[]): SqliteStore {
  const commit = store.commit.bind(store);
  store.commit = (c: JourneyCommit) => (commits.push(c), commit(c));
  return store;
}

async function bookedVisit(store: SqliteStore) {
  const clock = new ManualClock(T0);
  const engine = createEngine({ definition: visitJourney, store, clock });
  const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
  await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
  await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
  return { engine, clock, id };
}

describe('SqliteStore kept timer rows', () => {
  it('reads of unchanged rows hand out the very timer objects the engine committed, frozen', async () => {
    const commits: JourneyCommit[] = [];
    const store = capturing(openStore(), commits);
    const { id } = await bookedVisit(store);
    const set = commits.flatMap((c) => c.timersToSet);
    expect(set.length).toBeGreaterThan(0);
    const listed = await store.listTimers(id);
    expect(listed.length).toBe(1);
    expect(listed[0]).toBe(set.at(-1));
    expect((await store.listTimers(id))[0]).toBe(listed[0]);
    expect((await store.dueTimers(Number.MAX_SAFE_INTEGER, 10))[0]).toBe(listed[0]);
    // The safe twin: a store that never wrote the rows reads equal ones, frozen, and then its own again.
    const other = openStore(store.path);
    const read = await other.listTimers(id);
    expect(read).toStrictEqual(listed);
    expect(read[0]).not.toBe(listed[0]);
    expect(isFrozenJson(read[0])).toBe(true);
    expect((await other.listTimers(id))[0]).toBe(read[0]);
  });

  it('a row another connection changed is read as it now is; one it damaged is skipped and reported, and a repaired one reads again', async () => {
    const path = tempDbPath();
    const reported: string[] = [];
    const store = openStore({ path, onCorruptRow: (error) => reported.push(error.code) });
    const { id } = await bookedVisit(store);
    const [before] = await store.listTimers(id);
    const db = rawDb(path);
    db.prepare('UPDATE timers SET due_at = due_at + 60000 WHERE journey_id = ?').run(id);
    const [moved] = await store.listTimers(id);
    expect(moved).toStrictEqual({ ...before, dueAt: before!.dueAt + 60_000 });
    const event = (db.prepare('SELECT event FROM timers WHERE journey_id = ?').get(id) as { event: string }).event;
    db.prepare("UPDATE timers SET event = '{not json' WHERE journey_id = ?").run(id);
    expect(await store.listTimers(id)).toStrictEqual([]);
    expect(reported).toStrictEqual(['CJ_ERR_CORRUPT_SNAPSHOT']);
    db.prepare('UPDATE timers SET event = ? WHERE journey_id = ?').run(event, id);
    expect(await store.listTimers(id)).toStrictEqual([moved]);
  });

  it('rows of two journeys whose ids and keys join alike are never taken for one another', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const at = new Date(T0).toISOString();
    const create = (id: string, key: string): JourneyCommit => ({
      journey: { id, definitionId: 'd', definitionVersion: 1, patientRef: 'pt-1', version: 1, lastSeq: 0, snapshot: {}, state: 's', phase: 'p', status: 'active', createdAt: at, updatedAt: at },
      expectedVersion: 0,
      timersToSet: [{ journeyId: id, key, owner: 'machine', dueAt: T0, event: { type: 'xstate.after.t' } }],
      timersToCancel: [],
      outbox: [],
    });
    for (const [id, key] of [['a', 'b\u0000c'], ['a\u0000b', 'c'], ['x', 'yz'], ['xy', 'z']] as const) await store.commit(create(id, key));
    const fresh = openStore(path);
    for (const id of ['a', 'a\u0000b', 'x', 'xy']) {
      const listed = await store.listTimers(id);
      expect(listed.every((t) => t.journeyId === id)).toBe(true);
      expect(listed).toStrictEqual(await fresh.listTimers(id));
    }
    const due = await store.dueTimers(T0, 10);
    expect(due.map((t) => [t.journeyId, t.key])).toStrictEqual((await fresh.dueTimers(T0, 10)).map((t) => [t.journeyId, t.key]));
    expect(new Set(due.map((t) => JSON.stringify([t.journeyId, t.key]))).size).toBe(4);
    expect(await store.dueTimers(T0, 10)).toStrictEqual(await fresh.dueTimers(T0, 10));
  });

  it('the engine fires a kept timer once, as it fires a decoded one', async () => {
    const store = openStore();
    const { engine, clock, id } = await bookedVisit(store);
    clock.advanceTo('2026-01-05T12:00:00Z');
    const fired = await engine.runDue();
    expect(fired.map((t) => [t.journeyId, t.skipped, t.error])).toStrictEqual([[id, undefined, undefined]]);
    expect(await engine.runDue()).toStrictEqual([]);
    expect(await store.listTimers(id)).toStrictEqual([]);
  });
});

describe('KeptTimers', () => {
  const row: TimerColumns = { journey_id: 'j1', key: 'machine:t', owner: 'machine', due_at: T0, event: '{"type":"xstate.after.t"}', payload: null };
  const decode = (r: TimerColumns): TimerRow => ({ journeyId: r.journey_id, key: r.key, owner: r.owner, dueAt: r.due_at, ...(r.event === null ? {} : { event: JSON.parse(r.event) as Record<string, unknown> }) });

  it('decodes a row once while its columns are unchanged, and again when any column differs', () => {
    const kept = new KeptTimers();
    let decoded = 0;
    const counting = (r: TimerColumns) => (decoded++, decode(r));
    const first = kept.decode(row, counting);
    expect(kept.decode({ ...row }, counting)).toBe(first);
    expect(decoded).toBe(1);
    for (const changed of [{ owner: 'plugin:x' }, { due_at: T0 + 1 }, { event: '{"type":"other"}' }, { payload: '1' }]) {
      expect(kept.decode({ ...row, ...changed }, counting)).toStrictEqual(decode({ ...row, ...changed }));
    }
    expect(decoded).toBe(5);
  });

  it('keeps a committed timer only when it is frozen exact JSON of that journey with the fields a read gives back', () => {
    const kept = new KeptTimers();
    const texts = { event: row.event, payload: null };
    const own = Object.freeze({ ...decode(row), event: Object.freeze({ type: 'xstate.after.t' }) });
    const frozen = Object.freeze({ ...own });
    // Proven by the FrozenCopies of another kept set, as the engine proves its commits.
    const proven = new KeptTimers().decode(row, decode);
    kept.committed('j1', proven, texts);
    expect(kept.decode(row, decode)).toBe(proven);
    for (const [label, journeyId, timer] of [
      ['of another journey', 'j2', proven],
      ['frozen but not proven', 'j1', frozen],
      ['with a field a read would not give', 'j1', { ...proven, payload: undefined }],
    ] as const) {
      const k = new KeptTimers();
      k.committed(journeyId, timer as TimerRow, texts);
      expect(k.decode({ ...row, journey_id: journeyId }, decode), label).not.toBe(timer);
    }
  });

  it('keeps at most its capacity of rows, the least recently used going first', () => {
    const kept = new KeptTimers(2);
    const a = kept.decode({ ...row, key: 'a' }, decode);
    const b = kept.decode({ ...row, key: 'b' }, decode);
    expect(kept.decode({ ...row, key: 'a' }, decode)).toBe(a);
    kept.decode({ ...row, key: 'c' }, decode);
    expect(kept.decode({ ...row, key: 'a' }, decode)).toBe(a);
    expect(kept.decode({ ...row, key: 'b' }, decode)).not.toBe(b);
  });
});
