// Connection faults: backends terminated by the server, connections reset mid-send, the database
// unreachable and back. Every send ends applied exactly once or refused with nothing applied.
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, isCareJourneyError, ManualClock, type CareJourneyError } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { PostgresStore } from '../src/index.js';
import { sleep } from './helpers/spawnChild.js';
import { TcpProxy } from './helpers/tcpProxy.js';
import { dropTestSchemas, openTestStore, rawClient, testSchema } from './helpers/testDb.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';

afterAll(dropTestSchemas);

const T0 = Date.parse('2026-01-05T09:00:00Z');

type Engine = ReturnType<typeof createEngine<typeof visitJourney>>;

async function checkedIn(engine: Engine, journeyIds: readonly string[]): Promise<void> {
  for (const journeyId of journeyIds) {
    await engine.start({ journeyId, patientRef: `pt-${journeyId}`, input: {}, actor: actors.coordinator });
    await engine.send(journeyId, { type: 'consent.recorded' }, { actor: actors.physician });
    await engine.send(journeyId, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    await engine.send(journeyId, { type: 'patient.arrived' }, { actor: actors.nurse });
  }
}

/**
 * Sends one keyed event until it is acknowledged: a thrown `CJ_ERR_STORE` means the outcome was
 * not applied or not known, and sending again with the same key is what a host does.
 */
async function sendUntilAcked(engine: Engine, journeyId: string, key: string, counts: { storeErrors: number }): Promise<number> {
  for (;;) {
    try {
      const result = await engine.send(journeyId, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: key });
      if (result.ok) return result.entry.seq;
      if (result.error.code !== 'CJ_ERR_CONFLICT' && result.error.code !== 'CJ_ERR_STORE') throw result.error;
      counts.storeErrors++;
    } catch (error) {
      if (!isCareJourneyError(error, 'CJ_ERR_STORE')) throw error;
      counts.storeErrors++;
    }
  }
}

/** Each key sent lands once, the journal has no gap and replays to the stored snapshot. */
async function expectAppliedOnce(store: PostgresStore, sent: Map<string, string[]>): Promise<void> {
  for (const [journeyId, keys] of sent) {
    const journal = await store.readJournal(journeyId);
    const record = (await store.load(journeyId))!;
    expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: journal.length }, (_, i) => i + 1));
    expect(record.lastSeq).toBe(journal.length);
    expect(journal.slice(4).map((e) => e.idempotencyKey)).toEqual(keys);
    expect(await replayStored(store, visitJourney, journal)).toEqual(record.snapshot);
  }
}

describe('PostgresStore under connection faults', () => {
  it('applies every send exactly once while its backends are terminated again and again', { timeout: 40_000 }, async () => {
    const schema = testSchema('kill');
    const victim = `cj-victim-${schema}`;
    const faults: CareJourneyError[] = [];
    const store = await openTestStore({ schema, connection: { application_name: victim }, onConnectionError: (e) => faults.push(e) });
    const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0 + 60_000), maxRetries: 20 });
    const journeyIds = ['a', 'b', 'c', 'd'];
    await checkedIn(engine, journeyIds);

    const killer = await rawClient();
    let running = true;
    let terminated = 0;
    const counts = { storeErrors: 0, acked: 0 };
    const killing = (async () => {
      while (running) {
        const acked = counts.acked;
        const { rows } = await killer.query(
          'SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()) t',
          [victim],
        );
        terminated += rows[0].n as number;
        // Often enough to hit sends mid-commit, seldom enough that a fresh connection can finish
        // one: the next round waits for a send to be acknowledged, however slowly a loaded
        // machine connects and prepares statements, then for a random moment into the next ones.
        while (running && counts.acked === acked) await sleep(5);
        await sleep(10 + Math.floor(Math.random() * 40));
      }
    })();

    const sent = new Map<string, string[]>(journeyIds.map((id) => [id, []]));
    try {
      // Two senders at once, so terminations also hit commits waiting on each other.
      await Promise.all(
        [0, 1].map(async (lane) => {
          for (let i = 0; i < 60; i++) {
            const journeyId = journeyIds[(i * 2 + lane) % journeyIds.length]!;
            const key = `k-${lane}-${i}`;
            sent.get(journeyId)!.push(key);
            await sendUntilAcked(engine, journeyId, key, counts);
            counts.acked++;
          }
        }),
      );
    } finally {
      running = false;
      await killing;
      await killer.end();
    }
    // The faults were real: backends died under the store, and it saw it.
    expect(terminated).toBeGreaterThan(10);
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.every((f) => f.code === 'CJ_ERR_STORE')).toBe(true);

    // Per journey, keys in the order each lane sent them; lanes interleave, so compare as sets too.
    for (const [journeyId, keys] of sent) {
      const journal = await store.readJournal(journeyId);
      expect(new Set(journal.slice(4).map((e) => e.idempotencyKey))).toEqual(new Set(keys));
      expect(journal.slice(4)).toHaveLength(keys.length);
      sent.set(journeyId, journal.slice(4).map((e) => e.idempotencyKey!));
    }
    await expectAppliedOnce(store, sent);
    await store.close();
  });

  it('retries or refuses a send whose connection is reset mid-flight, never half-applying it', { timeout: 30_000 }, async () => {
    const proxy = new TcpProxy();
    const port = await proxy.start();
    const schema = testSchema('reset');
    const store = await PostgresStore.open({ connectionString: `postgres://postgres@127.0.0.1:${port}/test`, schema, poolSize: 2, retryForMs: 1_000 });
    try {
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0 + 60_000), maxRetries: 20 });
      await checkedIn(engine, ['r']);
      const counts = { storeErrors: 0 };
      const keys: string[] = [];
      let cuts = 0;
      for (let i = 0; i < 60; i++) {
        const key = `k-${i}`;
        keys.push(key);
        const sending = sendUntilAcked(engine, 'r', key, counts);
        // Reset every connection a moment into the send: before, during or after its commit.
        await sleep(Math.random() * 2);
        cuts += proxy.cut();
        await sending;
      }
      expect(cuts).toBeGreaterThan(30);
      await expectAppliedOnce(store, new Map([['r', keys]]));
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  it('never says "nothing was written" while the backend of a reset connection may still commit', { timeout: 30_000 }, async () => {
    const proxy = new TcpProxy();
    const port = await proxy.start();
    const schema = testSchema('doubt');
    const application = `cj-doubt-${schema}`;
    const store = await PostgresStore.open({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      connection: { application_name: application },
      schema,
      // One connection: the read-back after the reset opens a fresh one instead of finding a pooled one cut too.
      poolSize: 1,
      retryForMs: 300,
    });
    const locker = await rawClient();
    try {
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0 + 60_000) });
      await checkedIn(engine, ['d']);
      // Another transaction holds the journey's row: the store's commit waits for it, past its deadline.
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM "${schema}".journeys WHERE id = 'd' FOR UPDATE`);
      const sending = engine
        .send('d', { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'in-doubt' })
        .then((result) => (result.ok ? undefined : result.error), (error: unknown) => error);
      const waiting = async () =>
        Number((await locker.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [application])).rows[0].n);
      const deadline = Date.now() + 10_000;
      while ((await waiting()) === 0) {
        if (Date.now() > deadline) throw new Error('the commit never waited for the lock');
        await sleep(10);
      }
      await sleep(400);
      // The connection is reset; its backend, waiting for the lock, does not notice and goes on.
      proxy.cut();
      const error = await sending;
      expect(isCareJourneyError(error, 'CJ_ERR_STORE'), String(error)).toBe(true);
      await locker.query('COMMIT');
      // The old backend got the lock and committed the event after all.
      const written = async () => (await store.readJournal('d')).some((e) => e.idempotencyKey === 'in-doubt');
      const until = Date.now() + 10_000;
      while (!(await written())) {
        if (Date.now() > until) break;
        await sleep(20);
      }
      expect(await written()).toBe(true);
      // So the refusal must not have said otherwise: it says to send the event again with its key.
      expect((error as CareJourneyError).message).not.toContain('nothing was written');
      expect((error as CareJourneyError).message).toContain('same idempotency key');
      const again = await engine.send('d', { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'in-doubt' });
      expect(again.ok && again.duplicate).toBe(true);
      await expectAppliedOnce(store, new Map([['d', ['in-doubt']]]));
    } finally {
      await locker.end();
      await store.close();
      await proxy.stop();
    }
  });

  it('refuses sends with CJ_ERR_STORE while the database is unreachable, changing nothing, and works again when it returns', { timeout: 30_000 }, async () => {
    const proxy = new TcpProxy();
    const port = await proxy.start();
    const schema = testSchema('away');
    const faults: CareJourneyError[] = [];
    const store = await PostgresStore.open({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      schema,
      poolSize: 2,
      retryForMs: 200,
      onConnectionError: (e) => faults.push(e),
    });
    try {
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0 + 60_000) });
      await checkedIn(engine, ['x']);
      const direct = await openTestStore({ schema });
      const before = { record: await direct.load('x'), journal: await direct.readJournal('x'), timers: await direct.listTimers('x') };

      await proxy.stop();
      const error = await engine
        .send('x', { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'while-away' })
        .then(() => undefined, (e: unknown) => e);
      expect(isCareJourneyError(error, 'CJ_ERR_STORE'), String(error)).toBe(true);
      expect((error as CareJourneyError).details.journeyId).toBe('x');
      expect(await direct.load('x')).toEqual(before.record);
      expect(await direct.readJournal('x')).toEqual(before.journal);
      expect(await direct.listTimers('x')).toEqual(before.timers);
      expect(faults.some((f) => f.message.includes('ECONNREFUSED'))).toBe(true);

      await proxy.start();
      const again = await engine.send('x', { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'while-away' });
      expect(again.ok && again.duplicate).toBe(false);
      expect(again.ok && again.entry.seq).toBe(5);
      expect((await direct.readJournal('x')).map((e) => e.idempotencyKey ?? null)).toEqual([null, null, null, null, 'while-away']);
      await direct.close();
    } finally {
      await store.close();
      await proxy.stop();
    }
  });
});
