// Reminders are engine timers in the store: an engine restarted over the same SqliteStore (and
// the reminder log in the same file) delivers each reminder once, at its time, whatever point a
// SIGKILL hit; after downtime, late (and marked late), or suppressed when its moment has passed.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// Relative: the test runner maps only @carejourney/core to its sources.
import { SqliteStore } from '../../store-sqlite/src/index.js';
import type { ReminderMessage, ReminderRecord } from '../src/index.js';
import { SqliteReminderLog } from '../src/sqlite.js';
import { CRASH_START, CRASH_ZONE, crashFailurePolicy, crashSteps } from './helpers/crashScenario.js';
import { Driver } from './helpers/driver.js';
import { HOUR, JourneyScript } from './helpers/journeyScript.js';
import { FIRST_SESSION, INTAKE_AT, local } from './helpers/scenarios.js';
import { sleep, spawnChild } from './helpers/spawnChild.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'carejourney-reminders-'));
  dirs.push(dir);
  return join(dir, 'clinic.db');
}

type Line = Record<string, unknown> & { t: string };
const readLines = (path: string): Line[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Line];
          } catch {
            return []; // the last line a kill cut short
          }
        })
    : [];

/** A seeded generator, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const outcomeKey = (r: ReminderRecord) => `${r.journeyId} ${r.deliveryId} ${r.rule} ${r.outcome} ${r.reason ?? '-'} ${r.attempt} ${r.plannedAt}`;

describe('restart over the same SqliteStore', () => {
  it('loses and duplicates no reminder across SIGKILLs at random points', { timeout: 60_000 }, async () => {
    const steps = crashSteps();
    // The reference: the same scenario in one process that is never killed.
    const reference = new Driver({ start: CRASH_START, timeZone: CRASH_ZONE });
    reference.host.fail = crashFailurePolicy;
    await reference.run(steps);
    const expected = new Map(reference.host.delivered.map((m) => [m.deliveryId, m]));
    expect(expected.size).toBeGreaterThan(50);
    expect(reference.host.calls.filter((m) => !m.accepted).length).toBeGreaterThan(5);
    const journeys = ['j-crash-0', 'j-crash-1', 'j-crash-2'];
    const referenceOutcomes: string[] = [];
    for (const j of journeys) referenceOutcomes.push(...(await reference.reminders.outcomes(j)).map(outcomeKey));

    const dbPath = tempDb();
    const random = seeded(20270301);
    const lines: Line[] = [];
    let from = 0;
    let clockAt = CRASH_START;
    let kills = 0;
    let killedWhileWorking = 0;
    for (let run = 0; run < 5; run++) {
      const logPath = join(dirname(dbPath), `run-${run}.jsonl`);
      const child = spawnChild('reminderWorker.ts', { dbPath, logPath, from, clockAt });
      await child.ready;
      // Killed after a random amount of work (not of time, which depends on the machine's load):
      // once it has logged that many lines, wherever it is then.
      const work = 10 + Math.floor(random() * 60);
      let exited = false;
      void child.exited.then(() => (exited = true));
      while (!exited && readLines(logPath).length < work) await sleep(5);
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      const runLines = readLines(logPath);
      lines.push(...runLines);
      if (runLines.some((l) => l.t === 'done')) break;
      expect(signal, child.stderr()).toBe('SIGKILL');
      kills++;
      if (runLines.some((l) => l.t === 'step' || l.t === 'deliver')) killedWhileWorking++;
      const done = runLines.filter((l) => l.t === 'step').map((l) => l.i as number);
      if (done.length > 0) from = Math.max(...done) + 1;
      const clocks = runLines.filter((l) => l.t === 'clock').map((l) => l.now as number);
      if (clocks.length > 0) clockAt = Math.max(clockAt, ...clocks);
    }
    expect(kills).toBe(5);
    expect(killedWhileWorking).toBe(5);
    // The last restart runs the scenario to its end.
    if (!lines.some((l) => l.t === 'done')) {
      const logPath = join(dirname(dbPath), 'run-final.jsonl');
      const child = spawnChild('reminderWorker.ts', { dbPath, logPath, from, clockAt });
      const { code } = await child.exited;
      expect(code, child.stderr()).toBe(0);
      lines.push(...readLines(logPath));
    }
    expect(lines.filter((l) => l.t === 'plugin-error')).toEqual([]);

    // Every reminder the reference delivered was delivered, first at the same time, never late.
    const deliveries = lines.filter((l) => l.t === 'deliver') as (Line & { id: string; at: number; ok: boolean; attempt: number; late: boolean })[];
    const accepted = deliveries.filter((l) => l.ok);
    const first = new Map<string, (typeof accepted)[number]>();
    for (const l of accepted) if (!first.has(l.id)) first.set(l.id, l);
    expect([...first.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, l] of first) {
      const ref = expected.get(id) as ReminderMessage & { at: number };
      expect(`${id} ${local(l.at)} attempt ${l.attempt} late ${l.late}`).toBe(`${id} ${local(ref.at)} attempt ${ref.attempt} late false`);
    }
    // A reminder handed over again with the same id can only be one a kill cut off between the
    // hand-over and its record: at most one per kill (the host de-duplicates it on the id).
    const duplicates = accepted.length - first.size;
    expect(duplicates).toBeLessThanOrEqual(kills);

    // The durable record, read back after all the kills: the same outcomes as the reference, each once.
    const log = new SqliteReminderLog({ path: dbPath });
    const outcomes: string[] = [];
    for (const j of journeys) outcomes.push(...(await log.list(j)).map(outcomeKey));
    await log.close();
    expect(outcomes.sort()).toEqual(referenceOutcomes.sort());
    const store = new SqliteStore({ path: dbPath });
    expect(await store.pendingOutbox(10)).toEqual([]);
    await store.close();
  });

  it('after downtime delivers what is still useful late (marked late) and suppresses what it was about has passed', async () => {
    const dbPath = tempDb();
    const open = (at: number) => new Driver({ start: at, timeZone: CRASH_ZONE, store: new SqliteStore({ path: dbPath }), reminders: { log: new SqliteReminderLog({ path: dbPath }) } });
    // The first process books two patients for Monday, 09:00 and 14:00, and goes down on Saturday evening.
    const a = open(INTAKE_AT);
    const x = new JourneyScript('j-x', 'pt-x').start(INTAKE_AT).intake(INTAKE_AT, FIRST_SESSION);
    const y = new JourneyScript('j-y', 'pt-y').start(INTAKE_AT).intake(INTAKE_AT, FIRST_SESSION + 5 * HOUR);
    await a.run([...x.steps, ...y.steps]);
    await a.advanceTo(Date.parse('2027-03-13T18:00:00Z'));
    expect(a.host.delivered.map((m) => `${m.patientRef} ${m.kind} ${local(m.at)}`)).toEqual(['pt-x session.upcoming 2027-03-13 09:00', 'pt-y session.upcoming 2027-03-13 14:00']);
    await a.store.close?.();
    await a.reminders.log.close?.();

    // Back on Monday at 10:30: patient x's session (09:00) has begun; patient y's (14:00) has not.
    const b = open(Date.parse('2027-03-15T09:30:00Z'));
    await b.engine.recover();
    await b.engine.runDue();
    expect(b.host.delivered.map((m) => `${m.patientRef} ${m.kind} ${m.late ? 'late' : 'on time'}`).sort()).toEqual([
      // The no-show fired at 09:30 while the server was down: the outreach goes out, late.
      'pt-x session.missedOutreach late',
      'pt-y companion.unconfirmed late',
      'pt-y session.upcoming late',
      'pt-y transport.confirm late',
    ]);
    const xRecords = await b.reminders.outcomes('j-x');
    expect(xRecords.filter((r) => r.outcome === 'suppressed').map((r) => `${r.rule} ${r.reason}`).sort()).toEqual([
      'session.companionUnconfirmed expired',
      'session.fasting expired',
      'session.transport expired',
      'session.upcoming expired',
      'session.upcoming expired',
    ]);
    const yRecords = await b.reminders.outcomes('j-y');
    expect(yRecords.filter((r) => r.outcome === 'delivered').map((r) => `${r.rule} ${r.lateMinutes}`).sort()).toEqual([
      'session.companionUnconfirmed 30',
      'session.transport 1230',
      'session.upcoming 1230',
      'session.upcoming null',
    ]);
    // What comes due after the restart goes out on time.
    await b.advanceTo(FIRST_SESSION + 4 * HOUR);
    expect(b.host.delivered.filter((m) => m.patientRef === 'pt-y' && !m.late).map((m) => `${m.kind} ${local(m.at)}`)).toEqual([
      'session.fasting 2027-03-15 11:00',
      'session.upcoming 2027-03-15 12:00',
    ]);
    await b.store.close?.();
    await b.reminders.log.close?.();
  });
});
