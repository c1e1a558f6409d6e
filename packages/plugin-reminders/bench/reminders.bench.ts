// `pnpm bench`: the reminders plugin on the shipped esketamine journey.
//
// 1. Schedules and fires 100,000 reminders over a simulated month, on MemoryStore and on
//    SqliteStore, and prints reminders/s: journeys are brought to their booking by an engine
//    without the plugin (not timed); then booking the induction (which schedules every session's
//    reminders as durable timers) and a month of hourly `runDue` calls are timed.
// 2. The cost of one `runDue` that fires 100 due reminders with 10k, 100k and 1M timers pending
//    (SqliteStore), and the ratio 1M/10k (goal: at most 1.5).
//
// BENCH_REMINDERS scales part 1 (default 100000; the rate is per reminder, so e.g. 5000 gives a
// quicker, noisier reading).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type JourneyStore } from '@carejourney/core';
// Relative, like the tests: the workspace packages run from their sources.
import { SqliteStore } from '../../store-sqlite/src/index.js';
import { MemoryReminderLog, remindersPlugin, type ReminderLog } from '../src/index.js';
import { SqliteReminderLog } from '../src/sqlite.js';
import { testProtocol } from '../test/helpers/driver.js';
import { actors, JourneyScript } from '../test/helpers/journeyScript.js';

const ZONE = 'Europe/Berlin';
const T0 = Date.parse('2027-03-01T07:00:00Z'); // Monday 08:00 in Berlin
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const TARGET = Number(process.env['BENCH_REMINDERS'] ?? 100_000);

const dir = mkdtempSync(join(tmpdir(), 'carejourney-reminders-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** CPU time this process has used, ms: what other work on a shared machine does not inflate. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Journey j's first session: Wednesday to Friday of the first week, 09:00 to 11:00 Berlin. */
const firstSessionOf = (j: number) => Date.parse('2027-03-03T08:00:00Z') + (j % 3) * DAY + (j % 3) * HOUR;

/** Brings journeys to the point of booking with an engine without the plugin (untimed). */
async function prepare(store: JourneyStore, clock: ManualClock, from: number, count: number, firstOf = firstSessionOf): Promise<void> {
  const plain = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: testProtocol(ZONE) });
  for (let j = from; j < from + count; j++) {
    const steps = new JourneyScript(`j-${j}`, `pt-${j}`).intake(T0, firstOf(j)).steps;
    await plain.start({ journeyId: `j-${j}`, patientRef: `pt-${j}`, actor: actors.coordinator, input: { referral: { source: 'professional', indication: 'generalized-anxiety' } } });
    for (const step of steps.slice(0, -1)) {
      if (step.kind !== 'send') continue;
      const r = await plain.send(step.journeyId, { type: step.type, ...step.payload } as never, { actor: actors[step.actor] });
      if (!r.ok) throw r.error;
    }
  }
}

function remindersEngine(store: JourneyStore, clock: ManualClock, log: ReminderLog) {
  let outcomes = 0;
  const reminders = remindersPlugin({ log, deliver: () => undefined });
  reminders.on('outcome', (r) => {
    if (r.outcome === 'delivered' || r.outcome === 'suppressed' || r.outcome === 'failed') outcomes++;
  });
  const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: testProtocol(ZONE), plugins: [reminders] });
  engine.on('plugin.error', (n) => {
    throw new Error(`plugin error: ${n.message}`);
  });
  return { engine, fired: () => outcomes };
}

async function book(engine: ReturnType<typeof remindersEngine>['engine'], from: number, count: number, firstOf = firstSessionOf): Promise<void> {
  for (let j = from; j < from + count; j++) {
    const r = await engine.send(`j-${j}`, { type: 'induction.started', firstSessionAt: new Date(firstOf(j)).toISOString() }, { actor: actors.coordinator });
    if (!r.ok) throw r.error;
  }
}

/** Reminders one journey gets over the month (a pilot run on MemoryStore, untimed). */
async function perJourney(): Promise<number> {
  const store = new MemoryStore();
  const clock = new ManualClock(T0);
  await prepare(store, clock, 0, 3);
  const { engine, fired } = remindersEngine(store, clock, new MemoryReminderLog());
  await book(engine, 0, 3);
  for (let t = 0; t < MONTH; t += HOUR) {
    clock.advance(HOUR);
    await engine.runDue();
  }
  return fired() / 3;
}

async function month(name: string, store: JourneyStore, log: ReminderLog, journeys: number): Promise<number> {
  const clock = new ManualClock(T0);
  await prepare(store, clock, 0, journeys);
  const { engine, fired } = remindersEngine(store, clock, log);
  const t0 = performance.now();
  const c0 = cpuMs();
  await book(engine, 0, journeys);
  const scheduleMs = performance.now() - t0;
  let scheduled = 0;
  for (let j = 0; j < journeys; j++) scheduled += (await store.listTimers(`j-${j}`)).filter((t) => t.owner === 'reminders').length;
  const t1 = performance.now();
  for (let t = 0; t < MONTH; t += HOUR) {
    clock.advance(HOUR);
    await engine.runDue({ limit: 100_000 });
  }
  const fireMs = performance.now() - t1;
  const cpuSpent = cpuMs() - c0;
  const total = fired();
  const rate = total / ((scheduleMs + fireMs) / 1000);
  console.log(
    `${name}: ${fmt(journeys)} journeys; ${fmt(scheduled)} reminders scheduled in ${seconds(scheduleMs)} (${fmt(scheduled / (scheduleMs / 1000))}/s); ` +
      `${fmt(total)} fired over a simulated month in ${seconds(fireMs)} (${fmt(total / (fireMs / 1000))}/s)`,
  );
  console.log(`reminders/s ${name}: ${fmt(rate)} (fired, over booking and the month; ${fmt(total / (cpuSpent / 1000))} per CPU-second)`);
  return rate;
}

// ---------------------------------------------------------------- runDue with many timers pending

const FILLER_PER_JOURNEY = 10;
const REAL_JOURNEYS = 100;

/**
 * A file with REAL_JOURNEYS journeys booked for Friday 09:00 (their reminders pending), made once
 * and copied for each size.
 */
async function baseFile(): Promise<{ path: string; pending: number; dueAt: number }> {
  const path = join(dir, 'base.db');
  const store = new SqliteStore({ path, synchronous: 'normal' });
  const clock = new ManualClock(T0);
  const friday = () => Date.parse('2027-03-05T08:00:00Z');
  await prepare(store, clock, 0, REAL_JOURNEYS, friday);
  const log = new SqliteReminderLog({ path, synchronous: 'normal' });
  const { engine } = remindersEngine(store, clock, log);
  await book(engine, 0, REAL_JOURNEYS, friday);
  // Both connections closed: the last one checkpoints the WAL into the file that is copied.
  await log.close();
  const db = new Database(path, { readonly: true });
  const pending = (db.prepare('SELECT COUNT(*) AS n FROM timers').get() as { n: number }).n;
  db.close();
  await store.close();
  // An hour before the sessions: six reminders of each are due (48 h, 24 h, transport, fasting,
  // 2 h, the clinic's deadline), 600 in all, none about a moment that has passed.
  return { path, pending, dueAt: friday() - HOUR };
}

/** Adds timers pending far in the future (other patients' reminders) until `total` are pending. */
function fill(path: string, total: number, base: number): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const timer = db.prepare('INSERT INTO timers (journey_id, key, owner, due_at, event, payload) VALUES (?, ?, ?, ?, NULL, ?)');
  const journey = db.prepare(
    `INSERT INTO journeys (id, definition_id, definition_version, patient_ref, version, last_seq, snapshot, state, phase, status, created_at, updated_at)
     VALUES (?, 'ketamine-anxiety', 1, ?, 2, 1, '{}', 'care.clinical.treatment.course.induction.waiting', 'induction', 'active', ?, ?)`,
  );
  const created = new Date(T0).toISOString();
  const later = Date.parse('2028-01-01T00:00:00Z');
  const count = total - base;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const j = Math.floor(i / FILLER_PER_JOURNEY);
      if (i % FILLER_PER_JOURNEY === 0) journey.run(`filler-${j}`, `pt-filler-${j}`, created, created);
      const at = later + i * 37_000;
      const key = `plugin:reminders:session.upcoming|s${i % FILLER_PER_JOURNEY}-24h|${new Date(at).toISOString()}`;
      const payload = JSON.stringify({ v: 1, rule: 'session.upcoming', source: 'view', key: key.slice(17), deliveryId: `rmd_filler${i}`, subject: `s${i % FILLER_PER_JOURNEY}-24h`, aboutAt: at + DAY, at, movedFrom: null, direction: null, attempt: 1, variables: {} });
      timer.run(`filler-${j}`, key, 'reminders', at, payload);
    }
  })();
  db.close();
}

/** A copy of the base file with `total` timers pending, and an engine over it at the due time. */
function openWith(base: { path: string; pending: number; dueAt: number }, total: number) {
  const path = join(dir, `pending-${total}.db`);
  copyFileSync(base.path, path);
  fill(path, total, base.pending);
  const store = new SqliteStore({ path, synchronous: 'normal' });
  const log = new SqliteReminderLog({ path, synchronous: 'normal' });
  const { engine } = remindersEngine(store, new ManualClock(base.dueAt), log);
  return { total, engine, close: async () => (await store.close(), await log.close(), rmSync(path, { force: true })) };
}

/**
 * One `runDue` firing 100 due reminders, with 10k, 100k and 1M timers pending: the sizes take
 * turns, round after round, so a change in the machine's load hits all of them alike. Reports
 * the median wall time and the median CPU time (what the process itself spent, which other work
 * on a shared machine does not inflate).
 */
async function runDueCosts(base: { path: string; pending: number; dueAt: number }, sizes: readonly number[]): Promise<Map<number, { wall: number; cpu: number }>> {
  const setups = sizes.map((total) => openWith(base, total));
  const wall = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const cpu = new Map<number, number[]>(sizes.map((n) => [n, []]));
  // Round 0 warms each file and the code up; rounds 1-5 are measured (6 x 100 reminders are due).
  for (let round = 0; round < 6; round++) {
    for (const s of setups) {
      const w = performance.now();
      const c = cpuMs();
      const fired = await s.engine.runDue({ limit: 100 });
      const cpuSpent = cpuMs() - c;
      const wallSpent = performance.now() - w;
      if (fired.length !== 100 || fired.some((f) => f.error)) throw new Error(`${s.total} pending, round ${round}: fired ${fired.length}`);
      if (round === 0) continue;
      wall.get(s.total)?.push(wallSpent);
      cpu.get(s.total)?.push(cpuSpent);
    }
  }
  const result = new Map<number, { wall: number; cpu: number }>();
  for (const s of setups) {
    const r = { wall: median(wall.get(s.total) ?? []), cpu: median(cpu.get(s.total) ?? []) };
    result.set(s.total, r);
    console.log(`runDue firing 100 reminders, ${fmt(s.total)} timers pending (SqliteStore): ${r.wall.toFixed(1)} ms wall, ${r.cpu.toFixed(1)} ms CPU (medians of 5)`);
    await s.close();
  }
  return result;
}

// ---------------------------------------------------------------- run

const each = await perJourney();
const journeys = Math.ceil(TARGET / each);
console.log(`A booked esketamine journey gets ${each.toFixed(1)} reminders in its first month: ${fmt(journeys)} journeys for ${fmt(TARGET)}.`);
await month('MemoryStore', new MemoryStore(), new MemoryReminderLog(), journeys);
{
  const path = join(dir, 'month.db');
  // NORMAL: the bench measures the plugin, not the disk's fsync (see the SqliteStore bench for that).
  const store = new SqliteStore({ path, synchronous: 'normal' });
  const log = new SqliteReminderLog({ path, synchronous: 'normal' });
  await month('SqliteStore', store, log, journeys);
  await store.close();
  await log.close();
}

const base = await baseFile();
const costs = await runDueCosts(base, [10_000, 100_000, 1_000_000]);
const small = costs.get(10_000) as { wall: number; cpu: number };
const large = costs.get(1_000_000) as { wall: number; cpu: number };
console.log(`ratio runDue 1M/10k: ${(large.cpu / small.cpu).toFixed(2)} (CPU time; wall time ${(large.wall / small.wall).toFixed(2)}; goal <= 1.5)`);
