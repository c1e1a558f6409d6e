// Four processes over one PostgreSQL schema, sending to the same journeys at the same time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { parseChildLog } from './children/childLog.js';
import { spawnChild } from './helpers/spawnChild.js';
import { dropTestSchemas, openTestStore, rawClient, TEST_DATABASE_URL, testSchema } from './helpers/testDb.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';

const dir = mkdtempSync(join(tmpdir(), 'carejourney-pg-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropTestSchemas();
});

const T0 = Date.parse('2026-01-05T09:00:00Z');
const PROCESSES = 4;
const EVENTS_EACH = 1_000;

describe('PostgresStore shared by four processes', () => {
  // The timeout is a safety net, not a measure: the work is fixed, and a machine shared with other
  // test runs does it several times slower.
  it(`loses no update when ${PROCESSES} processes send ${EVENTS_EACH} events each to the same journeys`, { timeout: 150_000 }, async () => {
    const schema = testSchema('four');
    const journeyIds = ['shared-a', 'shared-b', 'shared-c'];
    {
      // Bring the journeys to check-in, where vitals can be recorded again and again.
      const store = await openTestStore({ schema });
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0) });
      for (const journeyId of journeyIds) {
        await engine.start({ journeyId, patientRef: `pt-${journeyId}`, input: {}, actor: actors.coordinator });
        await engine.send(journeyId, { type: 'consent.recorded' }, { actor: actors.physician });
        await engine.send(journeyId, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
        const arrived = await engine.send(journeyId, { type: 'patient.arrived' }, { actor: actors.nurse });
        expect(arrived.ok && arrived.view.stateLabel).toBe('checkedIn');
      }
      await store.close();
    }

    const children = Array.from({ length: PROCESSES }, (_, i) => {
      const name = `p${i}`;
      const logPath = join(dir, `${name}.jsonl`);
      const child = spawnChild('contendWorker.ts', {
        databaseUrl: TEST_DATABASE_URL,
        schema,
        logPath,
        name,
        seed: i + 7,
        journeyIds,
        events: EVENTS_EACH,
        now: T0 + 60_000,
      });
      return { name, logPath, child };
    });
    try {
      await Promise.all(children.map((c) => c.child.ready));
      for (const c of children) c.child.process.stdin!.write('go\n');
      for (const c of children) {
        const { code } = await c.child.exited;
        expect(code, c.child.stderr()).toBe(0);
      }
    } finally {
      for (const c of children) if (c.child.process.exitCode === null) c.child.process.kill('SIGKILL');
    }

    const lines = children.flatMap((c) => parseChildLog(readFileSync(c.logPath, 'utf8')));
    const acked = lines.filter((l) => l.t === 'acked');
    const done = lines.filter((l) => l.t === 'done') as { conflicts: number }[];
    expect(done).toHaveLength(PROCESSES);
    expect(acked).toHaveLength(PROCESSES * EVENTS_EACH);
    expect(acked.filter((l) => l.duplicate === true)).toEqual([]);
    // The processes really raced: commits lost to another process and were retried.
    expect(done.reduce((sum, d) => sum + d.conflicts, 0)).toBeGreaterThan(0);

    const store = await openTestStore({ schema });
    const db = await rawClient();
    try {
      // Every idempotency key and the seq it points to, in one query.
      const keySeqs = new Map(
        ((await db.query(`SELECT journey_id, key, seq FROM "${schema}".idempotency_keys`)).rows as { journey_id: string; key: string; seq: number }[]).map((r) => [
          `${r.journey_id}\u0000${r.key}`,
          r.seq,
        ]),
      );
      expect(keySeqs.size).toBe(PROCESSES * EVENTS_EACH);
      for (const journeyId of journeyIds) {
        const record = (await store.load(journeyId))!;
        const journal = await store.readJournal(journeyId);
        const mine = acked.filter((l) => l.journeyId === journeyId);
        // 4 setup entries, then exactly one entry per acknowledged event: none lost, none overwritten.
        expect(journal).toHaveLength(4 + mine.length);
        expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: journal.length }, (_, i) => i + 1));
        expect(record.lastSeq).toBe(journal.length);
        expect(record.version).toBe(journal.length);
        for (const line of mine) {
          expect(journal[(line.seq as number) - 1]).toMatchObject({ type: 'vitals.recorded', idempotencyKey: line.key });
          expect(keySeqs.get(`${journeyId}\u0000${String(line.key)}`), `idempotency key ${String(line.key)}`).toBe(line.seq);
        }
        expect(await replayStored(store, visitJourney, journal)).toEqual(record.snapshot);
      }
    } finally {
      await db.end();
      await store.close();
    }
  });
});
