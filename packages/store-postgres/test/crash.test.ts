// Kills a process that drives journeys on PostgreSQL with SIGKILL at random points, many times
// over, and checks after every restart that nothing it acknowledged is missing, half-written or
// duplicated.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, definePlugin, ManualClock, type JournalEntry } from '@carejourney/core';
import { visitJourney } from '../../core/test/fixtures/visitJourney.js';
import type { PostgresStore } from '../src/index.js';
import { parseChildLog } from './children/childLog.js';
import { seededRandom } from './children/visitActions.js';
import { untilAcked } from '../../../test/support/untilAcked.js';
import { sleep, spawnChild, type Child } from './helpers/spawnChild.js';
import { dropTestSchemas, openTestStore, rawClient, TEST_DATABASE_URL, testSchema } from './helpers/testDb.js';
import { replayStored } from '../../core/test/fixtures/replayStored.js';

const dir = mkdtempSync(join(tmpdir(), 'carejourney-pg-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropTestSchemas();
});

const RUNS = 10;
const LEASE_MS = 400;
const T0 = Date.parse('2026-01-05T09:00:00Z');
const RUN_SPAN = 7 * 24 * 3_600_000;

type LogLine = Record<string, unknown> & { t: string };

/** Checks what a restart finds: every acknowledged step is there once, and every journal replays. */
async function checkAcknowledged(store: PostgresStore, db: pg.Client, lines: readonly LogLine[]): Promise<{ journeys: number; events: number }> {
  const journeys = await store.query({});
  const journals = new Map<string, JournalEntry[]>();
  for (const record of journeys) {
    const journal = await store.readJournal(record.id);
    journals.set(record.id, journal);
    expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: record.lastSeq }, (_, i) => i + 1));
    expect(await replayStored(store, visitJourney, journal), `journal of ${record.id} replays to its snapshot`).toEqual((await store.load(record.id))?.snapshot);
    // An idempotency key is in the journal at most once: no event applied twice.
    const keys = journal.map((e) => e.idempotencyKey).filter((k) => k !== undefined);
    expect(new Set(keys).size).toBe(keys.length);
  }
  // Every idempotency key the store holds, in one query, and the seq it points to.
  const keySeqs = new Map(
    ((await db.query(`SELECT journey_id, key, seq FROM "${store.schema}".idempotency_keys`)).rows as { journey_id: string; key: string; seq: number }[]).map((r) => [
      `${r.journey_id}\u0000${r.key}`,
      r.seq,
    ]),
  );
  let events = 0;
  for (const line of lines) {
    if (line.t === 'started') expect(journals.has(line.journeyId as string), `started journey ${String(line.journeyId)}`).toBe(true);
    if (line.t === 'acked') {
      events++;
      const journeyId = line.journeyId as string;
      expect(keySeqs.get(`${journeyId}\u0000${String(line.key)}`), `idempotency key ${String(line.key)}`).toBe(line.seq);
      const entry = journals.get(journeyId)?.[(line.seq as number) - 1];
      expect(entry, `acknowledged ${String(line.key)}`).toMatchObject({ seq: line.seq, type: line.type, idempotencyKey: line.key });
    }
  }
  return { journeys: journeys.length, events };
}

/** How many times each plugin timer of the probe fired, and which are still pending. */
async function pluginTimers(db: pg.Client, schema: string): Promise<{ fired: Map<string, number>; pending: Set<string> }> {
  const fired = new Map<string, number>();
  for (const row of (await db.query(`SELECT payload->>'key' AS key FROM "${schema}".outbox WHERE kind = 'timer'`)).rows as { key: string }[]) {
    fired.set(row.key, (fired.get(row.key) ?? 0) + 1);
  }
  const pending = new Set(
    ((await db.query(`SELECT key FROM "${schema}".timers WHERE owner = 'probe'`)).rows as { key: string }[]).map((r) => r.key.slice('plugin:probe:'.length)),
  );
  return { fired, pending };
}

describe('PostgresStore under SIGKILL', () => {
  // The timeout is a safety net, not a measure: the work is fixed, and a machine shared with other
  // test runs does it several times slower.
  it(`loses nothing acknowledged and applies nothing twice across ${RUNS} kills at random points`, { timeout: 120_000 }, async () => {
    const schema = testSchema('crash');
    const random = seededRandom(20260105);
    const lines: LogLine[] = [];
    let killedWhileWorking = 0;
    const store = await openTestStore({ schema, leaseMs: LEASE_MS });
    const db = await rawClient();
    const logPath = (run: number) => join(dir, `run-${run}.jsonl`);
    // Each run's process is started while the one before works; it waits for "go" before it
    // touches the database, so it restarts after the crash as a server would.
    const start = (run: number): Child => {
      const startAt = T0 + run * RUN_SPAN;
      return spawnChild('crashWorker.ts', { databaseUrl: TEST_DATABASE_URL, schema, leaseMs: LEASE_MS, logPath: logPath(run), run, seed: run + 1, startAt, endAt: startAt + RUN_SPAN });
    };
    let next: Child | undefined = start(0);
    let child: Child | undefined;
    try {
      for (let run = 0; run < RUNS; run++) {
        child = next!;
        next = undefined;
        child.process.stdin!.write('go\n');
        await child.ready;
        if (run + 1 < RUNS) next = start(run + 1);
        // Killed once it acknowledged a random number of new events: at a random point of its
        // work, and after real work however loaded the machine is.
        await untilAcked(child, logPath(run), 5 + Math.floor(random() * 36));
        child.process.kill('SIGKILL');
        const { signal } = await child.exited;
        expect(signal, child.stderr()).toBe('SIGKILL');
        // The dead process's backends may still finish the statement they were running: a
        // restart finds the database once they are gone, and so does the check.
        const deadline = Date.now() + 10_000;
        while (Number((await db.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [`carejourney-crash-${schema}-${run}`])).rows[0].n) > 0) {
          if (Date.now() > deadline) throw new Error('the killed process kept its connections');
          await sleep(20);
        }
        const runLines = parseChildLog(readFileSync(logPath(run), 'utf8')) as LogLine[];
        if (runLines.some((l) => l.t === 'acked' || l.t === 'started')) killedWhileWorking++;
        lines.push(...runLines);

        // After each kill: every acknowledged event is present once and every journal replays.
        await checkAcknowledged(store, db, lines);
        // A plugin timer never fires twice, and an acknowledged one is either pending or fired.
        const { fired, pending } = await pluginTimers(db, schema);
        for (const [key, count] of fired) expect(count, `plugin timer ${key} fired ${count} times`).toBe(1);
        for (const line of lines.filter((l) => l.t === 'scheduled')) {
          const key = line.key as string;
          expect(fired.has(key) || pending.has(key), `scheduled timer ${key} is pending or fired`).toBe(true);
        }
      }
      expect(killedWhileWorking).toBeGreaterThan(RUNS / 2);

      // A last restart, long after every due time and every lease: recover, fire everything due.
      await sleep(LEASE_MS + 100);
      const delivered = new Set(lines.filter((l) => l.t === 'delivered').map((l) => l.id as string));
      const probe = definePlugin({
        name: 'probe',
        setup(api) {
          api.hooks.onTimer((ctx) => void delivered.add(ctx.deliveryId));
        },
      });
      const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(T0 + (RUNS + 1) * RUN_SPAN), plugins: [probe] });
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

      const { journeys, events } = await checkAcknowledged(store, db, lines);
      expect(journeys).toBeGreaterThan(10);
      expect(events).toBeGreaterThan(50);

      // Every outbox item ever committed was delivered at least once, across all the kills.
      const outboxIds = ((await db.query(`SELECT id FROM "${schema}".outbox`)).rows as { id: string }[]).map((r) => r.id);
      expect(outboxIds.filter((id) => !delivered.has(id))).toEqual([]);
      // Every acknowledged plugin timer fired exactly once.
      const { fired: timerCounts } = await pluginTimers(db, schema);
      for (const line of lines.filter((l) => l.t === 'scheduled')) expect(timerCounts.get(line.key as string), `timer ${String(line.key)}`).toBe(1);
      // Machine timers fired only from the state that set them, never more often than they were set.
      const journal = (await db.query(`SELECT journey_id, kind, type, from_state FROM "${schema}".journal ORDER BY journey_id, seq`)).rows as {
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
      for (const left of [child, next]) if (left && left.process.exitCode === null && left.process.signalCode === null) left.process.kill('SIGKILL');
      await db.end();
      await store.close();
    }
  });
});
