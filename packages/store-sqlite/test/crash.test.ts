// Kills a process that drives journeys with SIGKILL at random points, many times over, and checks
// after every restart that nothing it acknowledged is missing or half-written.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, definePlugin, ManualClock } from '@carejourney/core';
import { visitJourney } from '../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../src/index.js';
import { parseChildLog } from './children/childLog.js';
import { seededRandom } from './children/visitActions.js';
import { untilAcked } from '../../../test/support/untilAcked.js';
import { sleep, spawnChild } from './helpers/spawnChild.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';
import { removeTempDbs, tempDbPath } from './helpers/tempDb.js';

afterAll(removeTempDbs);

const RUNS = 16;
const T0 = Date.parse('2026-01-05T09:00:00Z');
const RUN_SPAN = 7 * 24 * 3_600_000;

type LogLine = Record<string, unknown> & { t: string };

/** Checks what a restart finds: every acknowledged step is there and every journal replays. */
async function checkAcknowledged(dbPath: string, lines: readonly LogLine[]): Promise<{ journeys: number; events: number }> {
  const store = new SqliteStore({ path: dbPath });
  try {
    const journeys = await store.query({});
    for (const record of journeys) {
      const journal = await store.readJournal(record.id);
      expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: record.lastSeq }, (_, i) => i + 1));
      expect(await replayStored(store, visitJourney, journal), `journal of ${record.id} replays to its snapshot`).toEqual((await store.load(record.id))?.snapshot);
    }
    const ids = new Set(journeys.map((j) => j.id));
    let events = 0;
    for (const line of lines) {
      if (line.t === 'started') expect(ids.has(line.journeyId as string), `started journey ${String(line.journeyId)}`).toBe(true);
      if (line.t === 'acked') {
        events++;
        const journeyId = line.journeyId as string;
        expect(await store.findIdempotencyKey(journeyId, line.key as string)).toBe(line.seq);
        const [entry] = await store.readJournal(journeyId, { fromSeq: line.seq as number, limit: 1 });
        expect(entry).toMatchObject({ seq: line.seq, type: line.type, idempotencyKey: line.key });
      }
    }
    return { journeys: journeys.length, events };
  } finally {
    await store.close();
  }
}

/** Plugin-timer keys of the probe plugin: fired ones (from the outbox) and pending ones. */
function pluginTimers(dbPath: string): { fired: Map<string, number>; pending: Set<string> } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const fired = new Map<string, number>();
    for (const row of db.prepare("SELECT payload FROM outbox WHERE kind = 'timer'").all() as { payload: string }[]) {
      const key = (JSON.parse(row.payload) as { key: string }).key;
      fired.set(key, (fired.get(key) ?? 0) + 1);
    }
    const pending = new Set(
      (db.prepare("SELECT key FROM timers WHERE owner = 'probe'").all() as { key: string }[]).map((r) => r.key.slice('plugin:probe:'.length)),
    );
    return { fired, pending };
  } finally {
    db.close();
  }
}

describe('SqliteStore under SIGKILL', () => {
  it(`loses nothing acknowledged across ${RUNS} kills at random points`, { timeout: 90_000 }, async () => {
    const dbPath = tempDbPath();
    const random = seededRandom(20260105);
    const lines: LogLine[] = [];
    let killedWhileWorking = 0;

    for (let run = 0; run < RUNS; run++) {
      const logPath = join(dirname(dbPath), `run-${run}.jsonl`);
      const startAt = T0 + run * RUN_SPAN;
      const child = spawnChild('crashWorker.ts', { dbPath, logPath, run, seed: run + 1, startAt, endAt: startAt + RUN_SPAN });
      await child.ready;
      // Killed once it acknowledged a random number of new events (at least 7, so the runs add up
      // to real work however loaded the machine is), a random moment into the next one.
      await untilAcked(child, logPath, 7 + Math.floor(random() * 20));
      await sleep(Math.floor(random() * 15));
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal, child.stderr()).toBe('SIGKILL');
      const runLines = existsSync(logPath) ? (parseChildLog(readFileSync(logPath, 'utf8')) as LogLine[]) : [];
      if (runLines.some((l) => l.t === 'acked' || l.t === 'started')) killedWhileWorking++;
      lines.push(...runLines);

      // After each restart: every acknowledged event is present and every journal replays.
      await checkAcknowledged(dbPath, lines);
      // A plugin timer never fires twice, and an acknowledged one is either pending or fired.
      const { fired, pending } = pluginTimers(dbPath);
      for (const [key, count] of fired) expect(count, `plugin timer ${key} fired ${count} times`).toBe(1);
      for (const line of lines.filter((l) => l.t === 'scheduled')) {
        const key = line.key as string;
        expect(fired.has(key) || pending.has(key), `scheduled timer ${key} is pending or fired`).toBe(true);
      }
    }
    expect(killedWhileWorking).toBeGreaterThan(RUNS / 2);

    // A last restart, long after every due time: recover, fire everything due, check the end state.
    const delivered = new Set(lines.filter((l) => l.t === 'delivered').map((l) => l.id as string));
    const store = new SqliteStore({ path: dbPath });
    const probe = definePlugin({
      name: 'probe',
      setup(api) {
        api.hooks.onTimer((ctx) => void delivered.add(ctx.deliveryId));
      },
    });
    const clock = new ManualClock(T0 + (RUNS + 1) * RUN_SPAN);
    const engine = createEngine({ definition: visitJourney, store, clock, plugins: [probe] });
    engine.on('transition', (n) => void delivered.add(n.deliveryId));
    engine.on('effect', (n) => void delivered.add(n.deliveryId));
    await engine.recover();
    const fired = await engine.runDue();
    expect(fired.filter((f) => f.error)).toEqual([]);
    expect(await store.pendingOutbox(10)).toEqual([]);
    expect(await store.dueTimers(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    // No timer was lost: nobody is left waiting in a state that only a timer leaves.
    expect(await store.query({ state: 'booked' })).toEqual([]);
    expect(await store.query({ state: 'observing' })).toEqual([]);
    await store.close();

    const { journeys, events } = await checkAcknowledged(dbPath, lines);
    expect(journeys).toBeGreaterThan(20);
    expect(events).toBeGreaterThan(100);

    const db = new Database(dbPath, { readonly: true });
    try {
      // Every outbox item ever committed was delivered at least once, across all the kills.
      const outboxIds = (db.prepare('SELECT id FROM outbox').all() as { id: string }[]).map((r) => r.id);
      expect(outboxIds.filter((id) => !delivered.has(id))).toEqual([]);
      // Every acknowledged plugin timer fired exactly once.
      const timerCounts = new Map<string, number>();
      for (const row of db.prepare("SELECT payload FROM outbox WHERE kind = 'timer'").all() as { payload: string }[]) {
        const key = (JSON.parse(row.payload) as { key: string }).key;
        timerCounts.set(key, (timerCounts.get(key) ?? 0) + 1);
      }
      for (const line of lines.filter((l) => l.t === 'scheduled')) expect(timerCounts.get(line.key as string), `timer ${String(line.key)}`).toBe(1);
      // Machine timers fired only from the state that set them, never more often than they were set.
      const journal = db.prepare('SELECT journey_id, kind, type, from_state FROM journal ORDER BY journey_id, seq').all() as {
        journey_id: string;
        kind: string;
        type: string;
        from_state: string | null;
      }[];
      const perJourney = new Map<string, { books: number; doses: number; noShows: number; observations: number }>();
      for (const e of journal) {
        const c = perJourney.get(e.journey_id) ?? { books: 0, doses: 0, noShows: 0, observations: 0 };
        perJourney.set(e.journey_id, c);
        if (e.type === 'visit.book') c.books++;
        if (e.type === 'dose.given') c.doses++;
        if (e.kind === 'timer') {
          expect(['booked', 'observing']).toContain(e.from_state);
          if (e.from_state === 'booked') c.noShows++;
          else c.observations++;
        }
      }
      let timerEntries = 0;
      for (const c of perJourney.values()) {
        expect(c.noShows).toBeLessThanOrEqual(c.books);
        expect(c.observations).toBeLessThanOrEqual(c.doses);
        timerEntries += c.noShows + c.observations;
      }
      expect(timerEntries).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
