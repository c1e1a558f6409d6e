// Two processes over one database file, sending to the same journeys at the same time.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { parseChildLog } from './children/childLog.js';
import { spawnChild } from './helpers/spawnChild.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

const T0 = Date.parse('2026-01-05T09:00:00Z');
const EVENTS_EACH = 250;

describe('SqliteStore shared by two processes', () => {
  it('loses no update when both send to the same journeys (conflicts are retried)', { timeout: 30_000 }, async () => {
    const dbPath = tempDbPath();
    const journeyIds = ['shared-a', 'shared-b'];
    {
      // Bring two journeys to check-in, where vitals can be recorded again and again.
      const store = new SqliteStore({ path: dbPath });
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

    const children = ['left', 'right'].map((name, i) => {
      const logPath = join(dirname(dbPath), `${name}.jsonl`);
      const child = spawnChild('contendWorker.ts', { dbPath, logPath, name, seed: i + 7, journeyIds, events: EVENTS_EACH, now: T0 + 60_000 });
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
    expect(acked).toHaveLength(2 * EVENTS_EACH);
    expect(acked.filter((l) => l.duplicate === true)).toEqual([]);
    // The processes really raced: some commits lost and were retried by the engine.
    expect(done.reduce((sum, d) => sum + d.conflicts, 0)).toBeGreaterThan(0);

    const store = new SqliteStore({ path: dbPath });
    try {
      for (const journeyId of journeyIds) {
        const record = (await store.load(journeyId))!;
        const journal = await store.readJournal(journeyId);
        const mine = acked.filter((l) => l.journeyId === journeyId);
        // 4 setup entries, then exactly one entry per acknowledged event: none overwritten.
        expect(journal).toHaveLength(4 + mine.length);
        expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: journal.length }, (_, i) => i + 1));
        expect(record.lastSeq).toBe(journal.length);
        for (const line of mine) {
          expect(journal[(line.seq as number) - 1]).toMatchObject({ type: 'vitals.recorded', idempotencyKey: line.key });
        }
        expect(await replayStored(store, visitJourney, journal)).toEqual(record.snapshot);
      }
    } finally {
      await store.close();
    }
  });
});
