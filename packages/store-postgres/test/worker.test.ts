import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, definePlugin, ManualClock, type CareJourneyError } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { PostgresStore, runWorker, type WorkerPass } from '../src/index.js';
import { sleep } from './helpers/spawnChild.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { dropTestSchemas, openTestStore, rawClient, testSchema } from './helpers/testDb.js';

afterAll(dropTestSchemas);

const T0 = Date.parse('2026-01-05T09:00:00Z');
const HOUR = 3_600_000;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function listening(channel: string): Promise<number> {
  const db = await rawClient();
  try {
    const { rows } = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND query LIKE $1", [`%${channel}%`]);
    return rows[0].n as number;
  } finally {
    await db.end();
  }
}

/**
 * A schema with `count` plugin timers of the probe plugin due at T0, on journeys copied in SQL from
 * one the engine started; returns the store over it.
 */
async function dueProbeTimers(label: string, count: number) {
  const schema = testSchema(label);
  const store = await openTestStore({ schema });
  const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
  await engine.start({ journeyId: 'template', patientRef: 'pt-template', input: {}, actor: actors.coordinator });
  const db = await rawClient();
  try {
    const s = `"${schema}"`;
    await db.query(`INSERT INTO ${s}.journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at)
      SELECT 'j-' || lpad(g::text, 5, '0'), definition_id, definition_version, 'pt-' || g, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at
      FROM ${s}.journeys, generate_series(1, ${count}) g WHERE id = 'template'`);
    await db.query(`INSERT INTO ${s}.timers (journey_id, key, owner, due_at, payload)
      SELECT 'j-' || lpad(g::text, 5, '0'), 'plugin:probe:k', 'probe', ${T0} + g, '{}' FROM generate_series(1, ${count}) g`);
  } finally {
    await db.end();
  }
  return store;
}

/** An engine with the probe plugin, whose timers count into `fired`. */
function probeEngine(store: PostgresStore, fired: { n: number }) {
  const probe = definePlugin({ name: 'probe', setup: (api) => api.hooks.onTimer(() => void fired.n++) });
  return createEngine({ definition: visitJourney, store, clock: new ManualClock(T0 + HOUR), plugins: [probe] });
}

describe('runWorker', () => {
  it('stops within one batch when aborted with thousands of timers due', { timeout: 30_000 }, async () => {
    const store = await dueProbeTimers('abort', 2_000);
    try {
      const fired = { n: 0 };
      const engine = probeEngine(store, fired);
      const controller = new AbortController();
      const running = runWorker({ engine, store, signal: controller.signal, pollMs: 600_000 });
      await until(() => fired.n >= 20, 10_000, 'the first timers to fire');
      controller.abort();
      const atAbort = fired.n;
      const summary = await running;
      // The batch under way (200 by default) finishes; the rest waits for the next worker.
      expect(fired.n - atAbort).toBeLessThanOrEqual(200);
      expect(summary.fired).toBe(fired.n);
      const left = await store.dueTimers(T0 + HOUR, 5_000);
      expect(left).toHaveLength(2_000 - fired.n);
    } finally {
      await store.close();
    }
  });

  it('works off a backlog larger than one batch in one pass', { timeout: 30_000 }, async () => {
    const store = await dueProbeTimers('backlog', 250);
    try {
      const fired = { n: 0 };
      const engine = probeEngine(store, fired);
      const passes: WorkerPass[] = [];
      const controller = new AbortController();
      const running = runWorker({ engine, store, signal: controller.signal, pollMs: 600_000, batchSize: 100, onPass: (p) => passes.push(p) });
      await until(() => passes.length === 1, 20_000, 'the first pass');
      controller.abort();
      await running;
      expect(passes[0]).toMatchObject({ reason: 'start' });
      expect(passes[0]!.fired).toHaveLength(250);
      expect(fired.n).toBe(250);
    } finally {
      await store.close();
    }
  });

  it('wakes on a notification when another server sets a timer due before its next poll, and stops cleanly', { timeout: 20_000 }, async () => {
    const schema = testSchema('wake');
    const workerStore = await openTestStore({ schema, notifyWithinMs: HOUR });
    const serverStore = await openTestStore({ schema, notifyWithinMs: HOUR });
    try {
      // The worker's clock is an hour ahead, so whatever the server books is due for it.
      const worker = createEngine({ definition: visitJourney, store: workerStore, clock: new ManualClock(T0 + 2 * HOUR) });
      const server = createEngine({ definition: visitJourney, store: serverStore, clock: new ManualClock(T0) });
      const passes: WorkerPass[] = [];
      const controller = new AbortController();
      const running = runWorker({ engine: worker, store: workerStore, signal: controller.signal, pollMs: 600_000, onPass: (p) => passes.push(p) });
      await until(() => passes.length === 1, 5_000, 'the first pass');
      expect(passes[0]).toMatchObject({ reason: 'start', fired: [], redelivered: 0 });
      await until(async () => (await listening(workerStore.notifyChannel)) === 1, 5_000, 'LISTEN');

      const { id } = await server.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
      await server.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
      // The no-show timer is due at 09:31, within the hour: the commit notifies.
      await server.send(id, { type: 'visit.book', slot: '2026-01-05T09:01:00Z' }, { actor: actors.coordinator });
      // Fired on the notification: the worker's next poll is ten minutes away, and the pass says why it ran.
      await until(() => passes.some((p) => p.fired.length > 0), 5_000, 'the notified pass');
      const notified = passes.find((p) => p.fired.length > 0)!;
      expect(notified.reason).toBe('notified');
      expect(notified.fired.map((f) => [f.journeyId, f.dueAt])).toEqual([[id, '2026-01-05T09:31:00.000Z']]);
      expect((await server.get(id)).stateLabel).toBe('noShow');

      controller.abort();
      const summary = await running;
      expect(summary).toMatchObject({ fired: 1, errors: 0 });
      expect(await listening(workerStore.notifyChannel)).toBe(0);
    } finally {
      await workerStore.close();
      await serverStore.close();
    }
  });

  it("redelivers outbox items of a process that died before delivering them, once its lease ran out", { timeout: 20_000 }, async () => {
    const schema = testSchema('redeliver');
    // The dead process: it committed (claiming its items) and never delivered or marked them.
    const dead = await openTestStore({ schema, leaseMs: 300, workerId: 'dead' });
    const at = new Date(T0).toISOString();
    await dead.commit({
      journey: { id: 'j1', definitionId: visitJourney.id, definitionVersion: visitJourney.version, patientRef: 'pt-1', version: 1, lastSeq: 0, snapshot: {}, state: 'referral', phase: 'referral', status: 'active', createdAt: at, updatedAt: at },
      expectedVersion: 0,
      timersToSet: [],
      timersToCancel: [],
      outbox: [{ id: 'j1:1:1', journeyId: 'j1', kind: 'effect', type: 'visit.missed', payload: {}, createdAt: at }],
    });
    const store = await openTestStore({ schema, leaseMs: 300 });
    try {
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
      const delivered: string[] = [];
      engine.on('effect', (n) => void delivered.push(n.deliveryId));
      const controller = new AbortController();
      const running = runWorker({ engine, store, signal: controller.signal, pollMs: 50 });
      await sleep(150);
      // Still within the dead process's lease: nobody else delivers its items.
      expect(delivered).toEqual([]);
      await until(() => delivered.length > 0, 5_000, 'the redelivery');
      expect(delivered).toEqual(['j1:1:1']);
      controller.abort();
      expect((await running).redelivered).toBe(1);
      expect(await store.pendingOutbox(10)).toEqual([]);
    } finally {
      await store.close();
      await dead.close();
    }
  });

  it('reports failed passes while the database is unreachable, goes on, and fires what is due once it returns', { timeout: 20_000 }, async () => {
    const proxy = new TcpProxy();
    const port = await proxy.start();
    const schema = testSchema('outage');
    const store = await PostgresStore.open({ connectionString: `postgres://postgres@127.0.0.1:${port}/test`, schema, poolSize: 2, retryForMs: 100 });
    try {
      const clock = new ManualClock(T0);
      const engine = createEngine({ definition: visitJourney, store, clock });
      const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
      await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician });
      await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
      const errors: unknown[] = [];
      const controller = new AbortController();
      await proxy.stop();
      const running = runWorker({ engine, store, signal: controller.signal, pollMs: 50, onError: (e) => errors.push(e) });
      await until(() => errors.length >= 3, 5_000, 'failed passes');
      expect(errors.every((e) => (e as CareJourneyError).code === 'CJ_ERR_STORE')).toBe(true);
      clock.advanceTo('2026-01-05T11:00:00Z');
      await proxy.start();
      await until(async () => (await store.listTimers(id)).length === 0, 5_000, 'the timer to fire');
      expect((await engine.get(id)).stateLabel).toBe('noShow');
      controller.abort();
      const summary = await running;
      expect(summary.fired).toBe(1);
      expect(summary.errors).toBeGreaterThanOrEqual(3);
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  it('refuses a bad pollMs or batchSize with CJ_ERR_INVALID_CONFIG', async () => {
    const store = await openTestStore();
    try {
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
      await expect(runWorker({ engine, store, signal: new AbortController().signal, pollMs: 0 })).rejects.toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG' });
      for (const batchSize of [0, 1.5, 2_000_000]) {
        await expect(runWorker({ engine, store, signal: new AbortController().signal, batchSize })).rejects.toMatchObject({
          code: 'CJ_ERR_INVALID_CONFIG',
          details: { issues: [{ path: 'batchSize' }] },
        });
      }
    } finally {
      await store.close();
    }
  });
});
