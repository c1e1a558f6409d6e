// Four runWorker processes over 10,000 due timers in one schema; one is killed mid-batch.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { parseChildLog } from './children/childLog.js';
import { sleep, spawnChild } from './helpers/spawnChild.js';
import { dropTestSchemas, openTestStore, rawClient, TEST_DATABASE_URL, testSchema } from './helpers/testDb.js';

const dir = mkdtempSync(join(tmpdir(), 'carejourney-pg-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropTestSchemas();
});

const T0 = Date.parse('2026-01-05T09:00:00Z');
const JOURNEYS = 2_500;
const TIMERS_EACH = 4;
const TIMERS = JOURNEYS * TIMERS_EACH;
const LEASE_MS = 2_000;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('runWorker in four processes over one schema', () => {
  // The timeout is a safety net, not a measure: the work is fixed, and a machine shared with other
  // test runs does it several times slower.
  it(`fires each of ${TIMERS.toLocaleString('en-US')} due timers exactly once, though one worker is killed mid-batch`, { timeout: 150_000 }, async () => {
    const schema = testSchema('timers');
    const s = `"${schema}"`;
    {
      // One journey made by the engine, copied 2,500 times in SQL, each with four due plugin timers.
      const store = await openTestStore({ schema });
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
      await engine.start({ journeyId: 'template', patientRef: 'pt-template', input: {}, actor: actors.coordinator });
      await store.close();
    }
    const db = await rawClient();
    try {
      await db.query(`INSERT INTO ${s}.journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at)
        SELECT 'j-' || lpad(g::text, 5, '0'), definition_id, definition_version, 'pt-' || g, version, last_seq, snapshot, state, state_paths, phase, status, created_at, updated_at
        FROM ${s}.journeys, generate_series(1, ${JOURNEYS}) g WHERE id = 'template'`);
      await db.query(`INSERT INTO ${s}.journal (journey_id, seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version)
        SELECT 'j-' || lpad(g::text, 5, '0'), seq, kind, type, payload, actor, at, recorded_at, from_state, to_state, definition_version
        FROM ${s}.journal, generate_series(1, ${JOURNEYS}) g WHERE journey_id = 'template'`);
      // Due times interleave the journeys, so concurrent batches hold timers of the same journeys.
      await db.query(`INSERT INTO ${s}.timers (journey_id, key, owner, due_at, payload)
        SELECT 'j-' || lpad(g::text, 5, '0'), 'plugin:probe:k' || k, 'probe', ${T0} + k * ${JOURNEYS} + g, json_build_object('k', k)
        FROM generate_series(1, ${JOURNEYS}) g, generate_series(1, ${TIMERS_EACH}) k`);

      const workers = Array.from({ length: 4 }, (_, i) => {
        const logPath = join(dir, `w${i}.jsonl`);
        const child = spawnChild('timerWorker.ts', { databaseUrl: TEST_DATABASE_URL, schema, logPath, workerId: `w${i}`, leaseMs: LEASE_MS, now: T0 + 86_400_000 });
        return { logPath, child };
      });
      const firedCount = async () => Number((await db.query(`SELECT count(*) AS n FROM ${s}.outbox WHERE kind = 'timer'`)).rows[0].n);
      try {
        await Promise.all(workers.map((w) => w.child.ready));
        // Kill worker 0 while it holds a batch of claims, a fifth of the way through: as soon as
        // it holds claims with most of their lease ahead, however loaded the machine is.
        const liveClaims = async () =>
          Number((await db.query(`SELECT count(*) AS n FROM ${s}.timers WHERE claimed_by = 'w0' AND lease_until > clock_timestamp() + interval '1 second'`)).rows[0].n);
        await until(async () => (await firedCount()) >= TIMERS / 5 && (await liveClaims()) > 0, 60_000, 'a fifth of the timers to fire, worker 0 holding claims');
        workers[0]!.child.process.kill('SIGKILL');
        const { signal } = await workers[0]!.child.exited;
        expect(signal).toBe('SIGKILL');
        // A real mid-batch kill: the dead worker still held claims on due timers. Counted whether
        // or not their lease ran out meanwhile (no other worker takes them before it does).
        const orphaned = Number((await db.query(`SELECT count(*) AS n FROM ${s}.timers WHERE claimed_by = 'w0'`)).rows[0].n);
        expect(orphaned).toBeGreaterThan(0);

        // The others fire what is left, the orphaned timers once their lease runs out, and
        // redeliver what the dead worker committed but had not marked delivered.
        await until(
          async () => {
            const left = await db.query(
              `SELECT (SELECT count(*) FROM ${s}.timers) + (SELECT count(*) FROM ${s}.outbox WHERE delivered_at IS NULL) AS n`,
            );
            return Number(left.rows[0].n) === 0;
          },
          80_000,
          'every timer fired and every outbox item delivered',
        );
        for (const w of workers.slice(1)) w.child.process.stdin!.write('stop\n');
        for (const w of workers.slice(1)) {
          const { code } = await w.child.exited;
          expect(code, w.child.stderr()).toBe(0);
        }
      } finally {
        for (const w of workers) if (w.child.process.exitCode === null && w.child.process.signalCode === null) w.child.process.kill('SIGKILL');
      }

      // Exactly once: one firing commit (one outbox item) per timer, none lost, none doubled.
      const perTimer = await db.query(`SELECT journey_id, payload->>'key' AS key, count(*)::int AS n FROM ${s}.outbox WHERE kind = 'timer' GROUP BY 1, 2`);
      expect(perTimer.rows).toHaveLength(TIMERS);
      expect(perTimer.rows.filter((r: { n: number }) => r.n !== 1)).toEqual([]);
      // Every journey took exactly its four firing commits.
      const versions = await db.query(`SELECT version, count(*)::int AS n FROM ${s}.journeys WHERE id LIKE 'j-%' GROUP BY version`);
      expect(versions.rows).toEqual([{ version: 1 + TIMERS_EACH, n: JOURNEYS }]);

      const lines = workers.flatMap((w) => (existsSync(w.logPath) ? parseChildLog(readFileSync(w.logPath, 'utf8')) : []));
      // Every committed timer item reached the plugin at least once (redelivered after the kill
      // where needed), always with the item's stable id.
      const delivered = new Set(lines.filter((l) => l.t === 'delivered').map((l) => l.id as string));
      const ids = (await db.query(`SELECT id FROM ${s}.outbox WHERE kind = 'timer'`)).rows.map((r: { id: string }) => r.id);
      expect(ids.filter((id: string) => !delivered.has(id))).toEqual([]);
      // All four workers did a share of the work.
      const firedBy = workers.map((w) => (existsSync(w.logPath) ? parseChildLog(readFileSync(w.logPath, 'utf8')).filter((l) => l.t === 'fired').length : 0));
      for (const n of firedBy) expect(n).toBeGreaterThan(0);
      const stopped = lines.filter((l) => l.t === 'stopped') as { fired: number; errors: number }[];
      expect(stopped).toHaveLength(3);
    } finally {
      await db.end();
    }
  });
});
