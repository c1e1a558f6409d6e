// Delivered marks cost no transaction of their own: each event is one durable (WAL-synced)
// write transaction, counted here from the write-ahead log itself.
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine, ManualClock, type JourneyCommit } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';
import { walCommits } from './helpers/walCommits.js';

afterAll(removeTempDbs);

const T0 = Date.parse('2026-01-05T09:00:00Z');
const open: { close(): unknown }[] = [];
beforeEach(() => {
  // Only the store's flush timer: the 50 ms delay fires when the test says so, never mid-send.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(async () => {
  vi.useRealTimers();
  for (const c of open.splice(0).reverse()) await c.close();
});

function setup() {
  const store = new SqliteStore({ path: tempDbPath() });
  open.push(store);
  const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
  const delivered: string[] = [];
  engine.on('transition', (n) => void delivered.push(n.deliveryId));
  return { store, engine, delivered };
}

/** Outbox rows as a separate connection (another process) sees them. */
function outboxRows(path: string): { id: string; delivered: boolean }[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT id, delivered_at IS NOT NULL AS delivered FROM outbox ORDER BY seq').all() as { id: string; delivered: number }[]).map((r) => ({
      id: r.id,
      delivered: r.delivered === 1,
    }));
  } finally {
    db.close();
  }
}

describe('SqliteStore: one durable transaction per event', () => {
  it('writes one transaction per send: the delivered marks ride along with the next commit', async () => {
    const { store, engine, delivered } = setup();
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator, journeyId: 'j-1' });
    for (let i = 0; i < 12; i++) {
      const before = walCommits(store.path);
      const sent = await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
      expect(sent.ok).toBe(true);
      expect(walCommits(store.path) - before, `write transactions of send ${i + 1}`).toBe(1);
    }
    expect(delivered).toHaveLength(13);
    // Every mark but the last send's is already written, inside the commit that followed it.
    const rows = outboxRows(store.path);
    expect(rows.filter((r) => !r.delivered).map((r) => r.id)).toEqual(['j-1:13:0']);
    // With no commit coming, the last marks are written alone after 50 ms: one more transaction.
    const before = walCommits(store.path);
    await vi.advanceTimersByTimeAsync(49);
    expect(walCommits(store.path)).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(walCommits(store.path)).toBe(before + 1);
    expect(outboxRows(store.path).every((r) => r.delivered)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never hands out again what this process delivered: recover() and pendingOutbox see the queued marks', async () => {
    const { store, engine, delivered } = setup();
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator, journeyId: 'j-1' });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    expect(outboxRows(store.path).filter((r) => !r.delivered)).toHaveLength(1);
    expect(await engine.recover()).toBe(0);
    expect(await store.pendingOutbox(10, id)).toEqual([]);
    expect(delivered).toEqual(['j-1:1:0', 'j-1:2:0']);
    expect(outboxRows(store.path).every((r) => r.delivered)).toBe(true);
  });

  it('leaves the queued items out of pendingOutbox while another process holds the write lock, and still returns `limit` others', async () => {
    const store = new SqliteStore({ path: tempDbPath(), busyTimeoutMs: 10 });
    open.push(store);
    const at = new Date(T0).toISOString();
    for (const j of ['a', 'b', 'c', 'd']) await store.commit(commitOf(j, at));
    await store.markDelivered(['a:1:0', 'b:1:0']);
    const other = new Database(store.path);
    open.push(other);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      expect((await store.pendingOutbox(2)).map((i) => i.id)).toEqual(['c:1:0', 'd:1:0']);
      expect((await store.pendingOutbox(10, 'a')).map((i) => i.id)).toEqual([]);
    } finally {
      other.prepare('ROLLBACK').run();
    }
    // The marks stayed queued and the timer tries again; once the lock is free they are written.
    await vi.advanceTimersByTimeAsync(50);
    expect(outboxRows(store.path).map((r) => r.delivered)).toEqual([true, true, false, false]);
  });

  it('puts the marks back in the queue when the commit carrying them is refused', async () => {
    const store = new SqliteStore({ path: tempDbPath() });
    open.push(store);
    const at = new Date(T0).toISOString();
    await store.commit(commitOf('a', at));
    await store.markDelivered(['a:1:0']);
    // A conflict: the journey is already at version 1. The transaction rolls back, marks and all.
    await expect(store.commit(commitOf('a', at))).rejects.toMatchObject({ code: 'CJ_ERR_CONFLICT' });
    expect(outboxRows(store.path)).toEqual([{ id: 'a:1:0', delivered: false }]);
    expect(await store.pendingOutbox(10)).toEqual([]);
    expect(outboxRows(store.path)).toEqual([{ id: 'a:1:0', delivered: true }]);
  });

  it('writes 500 queued marks at once, without waiting for a commit or the delay', async () => {
    const store = new SqliteStore({ path: tempDbPath() });
    open.push(store);
    const at = new Date(T0).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) ids.push(`j-${i}:1:0`);
    for (const id of ids) await store.commit(commitOf(id.slice(0, -4), at));
    const before = walCommits(store.path);
    await store.markDelivered(ids.slice(0, 499));
    expect(walCommits(store.path)).toBe(before);
    await store.markDelivered(ids.slice(499));
    expect(walCommits(store.path)).toBe(before + 1);
    expect(outboxRows(store.path).every((r) => r.delivered)).toBe(true);
  });

  it('close() writes the queued marks; a store used after close refuses to queue more', async () => {
    const { store, engine } = setup();
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator, journeyId: 'j-1' });
    await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
    expect(outboxRows(store.path).filter((r) => !r.delivered)).toHaveLength(1);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(outboxRows(store.path).every((r) => r.delivered)).toBe(true);
    await expect(store.markDelivered(['j-1:2:0'])).rejects.toMatchObject({ code: 'CJ_ERR_STORE' });
    await expect(store.pendingOutbox(10)).rejects.toMatchObject({ code: 'CJ_ERR_STORE' });
    await store.close();
  });
});

function commitOf(id: string, at: string): JourneyCommit {
  return {
    journey: {
      id,
      definitionId: 'clinic-visit',
      definitionVersion: 2,
      patientRef: `pt-${id}`,
      version: 1,
      lastSeq: 0,
      snapshot: { status: 'active', value: 'referral', context: {} },
      state: 'referral',
      phase: 'referral',
      status: 'active',
      createdAt: at,
      updatedAt: at,
    },
    expectedVersion: 0,
    timersToSet: [],
    timersToCancel: [],
    outbox: [{ id: `${id}:1:0`, journeyId: id, kind: 'effect', type: 'test.effect', payload: { n: 1 }, createdAt: at }],
  };
}
