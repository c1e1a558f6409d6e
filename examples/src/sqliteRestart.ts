// SQLite, and a crash in the middle of a course. Two real processes share one database file:
//
// 1. The first engine process runs intake and three infusions, doses the fourth and records the
//    30-minute reading; it is killed (SIGKILL) while delivering that commit, which the store
//    already acknowledged.
// 2. Twenty minutes later a second engine process opens the same file: `engine.recover()`
//    redelivers what the first never delivered (same delivery ids), `engine.runDue()` fires the
//    timers that fell due while no engine ran (the 40-minute BP check, a vitals reading overdue).
//    The nurse enters the reading she took on paper meanwhile, back-dated (`takenAt`); the patient
//    is observed to discharge, and the course goes on to maintenance and completes.
//
//   pnpm example sqlite
//
// Every value here is illustrative.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createEngine,
  definePlugin,
  formatLocal,
  type EffectNotice,
  ketamineAnxietyJourney,
  ManualClock,
  type JournalEntry,
  type KetamineJourneyContext,
} from '@carejourney/core';
import { SqliteStore } from '@carejourney/store-sqlite';
import { calmSession, drive, iso, MIN, patientActor, screenAndPlan, staff, type KetamineView } from './clinic.js';
import { describeSessions } from './describeSessions.js';
import type { ExampleOutput } from './examples.js';
import { shortState, Timeline, type TimelineRow } from './timeline.js';

const TIME_ZONE = 'Europe/Berlin';
const PATIENT = 'pt-5150';
const JOURNEY_ID = 'journey-pt-5150';
const PROTOCOL = { timeZone: TIME_ZONE, acceptUnconfirmedDefaults: true } as const; // placeholders accepted as shipped (a demo)
const DOWNTIME_MINUTES = 20;

/** What a process reports to the parent over IPC. */
type ProcessMessage =
  | { readonly kind: 'crash-point'; readonly rows: readonly TimelineRow[]; readonly effects: readonly EffectNotice[]; readonly now: number }
  | { readonly kind: 'done'; readonly rows: readonly TimelineRow[]; readonly effects: readonly EffectNotice[]; readonly redelivered: number; readonly fired: number };

export interface SqliteRestartResult extends ExampleOutput {
  /** The journey as a third engine reads it back from the file after both processes exited. */
  readonly view: KetamineView;
  readonly context: KetamineJourneyContext;
  readonly journal: readonly JournalEntry[];
  /** The effects both processes delivered (a redelivered one twice, with the same delivery id). */
  readonly effects: readonly EffectNotice[];
  /** How the first process ended (a signal), and what the second one recovered. */
  readonly firstExit: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  readonly redelivered: number;
  readonly firedOnRestart: number;
}

/**
 * Runs both processes over a fresh database file and reads the journey back.
 * `dir` keeps the file (default: a temporary directory, removed afterwards).
 */
export async function runSqliteRestart(options: { dir?: string } = {}): Promise<SqliteRestartResult> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'carejourney-sqlite-'));
  const path = join(dir, 'clinic.db');
  try {
    // Process 1: runs until it has committed the 30-minute reading of session 4, then is killed
    // while it delivers it.
    const first = spawn(['first', path]);
    const crash = await first.message('crash-point');
    first.child.kill('SIGKILL');
    const firstExit = await first.exited;

    // Process 2: the same file, twenty minutes later.
    const second = spawn(['second', path, String(crash.now + DOWNTIME_MINUTES * MIN)]);
    const done = await second.message('done');
    await second.exited;

    // The parent reads the journey back through its own engine: the file holds everything.
    const store = new SqliteStore({ path });
    const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol: PROTOCOL });
    const view = await engine.get(JOURNEY_ID);
    const journal = await engine.history(JOURNEY_ID);
    await store.close();

    // The processes ran one after the other: their rows follow each other.
    const rows: TimelineRow[] = [
      ...crash.rows,
      { kind: 'note', journeyId: JOURNEY_ID, patientRef: PATIENT, atMs: crash.now, seq: null, actor: '', event: `» process 1 killed (${firstExit.signal ?? `exit ${firstExit.code}`}) while delivering the last commit`, state: '', details: [], by: 'process 1' },
      ...done.rows,
    ];
    const context = view.context;
    return {
      title: 'SQLite: an engine process killed mid-course, a second one over the same file completes it',
      timeZone: TIME_ZONE,
      rows,
      summary: [
        `Now:       ${shortState(view.stateLabel)} (phase ${view.phase}, ${view.status})`,
        `Sessions:  ${describeSessions(context.sessions)}`,
        `Restart:   ${done.redelivered} outbox item(s) redelivered by recover(), ${done.fired} timer(s) fired by runDue() after ${DOWNTIME_MINUTES} min down`,
        `Journal:   ${journal.length} entries, ${journal.filter((e) => Date.parse(e.at) <= crash.now).length} of them written by process 1`,
        `Ended:     ${context.outcome ? `${context.outcome.kind} on ${formatLocal(context.outcome.at, TIME_ZONE)}` : '-'}`,
      ],
      view,
      context,
      journal,
      effects: [...crash.effects, ...done.effects],
      firstExit,
      redelivered: done.redelivered,
      firedOnRestart: done.fired,
    };
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** Forks this file as an engine process (TypeScript through tsx, as `pnpm example` runs). */
function spawn(args: readonly string[]) {
  const child = fork(fileURLToPath(import.meta.url), args, {
    execArgv: ['--import', 'tsx'],
    // tsx reads the examples' tsconfig for the @carejourney/* paths, wherever the parent runs from.
    env: { ...process.env, TSX_TSCONFIG_PATH: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const message = <K extends ProcessMessage['kind']>(kind: K) =>
    new Promise<Extract<ProcessMessage, { kind: K }>>((resolve, reject) => {
      child.on('message', (m: ProcessMessage) => m.kind === kind && resolve(m as Extract<ProcessMessage, { kind: K }>));
      void exited.then(({ code, signal }) => reject(new Error(`engine process ${args[0]} ended (${signal ?? code}) before "${kind}"`)));
    });
  return { child, exited, message };
}

// ------------------------------------------------------------------ the engine processes

const send = (message: ProcessMessage) => new Promise<void>((resolve) => process.send?.(message, () => resolve()));

const infusion = { recordedBy: staff.nurse, checkedInBy: staff.coordinator, administration: 'staff-administered', lot: 'KX-26-0311', medications: [] } as const;

async function firstProcess(path: string): Promise<void> {
  const clock = new ManualClock('2026-02-02T08:00:00Z');
  const timeline = new Timeline(TIME_ZONE, { by: 'process 1' });
  // Stands in for a crash: delivering the 30-minute reading of session 4 never finishes, and the
  // parent kills the process there. The commit is already in the file; its delivery is not.
  const crashWhileDelivering = definePlugin({
    name: 'crash-here',
    setup(api) {
      api.hooks.afterCommit(async ({ entry }) => {
        const minutesAfterDose = entry.type === 'monitoring.vitalsRecorded' ? Math.round((Date.parse(entry.at) - (sessionFourDoseAt ?? Infinity)) / MIN) : -1;
        if (minutesAfterDose !== 30) return;
        await send({ kind: 'crash-point', rows: timeline.rows, effects, now: api.now() });
        await new Promise(() => undefined);
      });
    },
  });
  let sessionFourDoseAt: number | undefined;
  const store = new SqliteStore({ path });
  const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: PROTOCOL, plugins: [crashWhileDelivering] });
  timeline.attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));
  await engine.start({
    journeyId: JOURNEY_ID,
    patientRef: PATIENT,
    actor: staff.coordinator,
    input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },
  });
  const d = drive(engine, clock, JOURNEY_ID, timeline);
  await screenAndPlan(d, {
    patient: patientActor(PATIENT),
    baseline: { gad7: 16, phq9: 10 },
    medications: [],
    consentForm: 'KET-IV-2026-01',
    plan: { route: 'iv', dosePlan: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 minutes', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] }, weightKg: 72 },
    firstSessionAt: '2026-02-09T09:00:00Z',
  });
  for (let n = 1; n <= 3; n++) await calmSession(d, infusion);

  // Session 4, up to the 30-minute reading.
  const due = Date.parse((await d.view()).context.schedule.find((s) => s.status === 'planned')?.dueAt ?? '');
  await d.at(due - 30 * MIN);
  await d.send({ type: 'session.checkedIn' }, staff.coordinator);
  await d.send({ type: 'predose.fastingConfirmed', lastFoodAt: iso(due - 5 * 60 * MIN), lastLiquidAt: iso(due - 2 * 60 * MIN) }, staff.nurse);
  await d.send({ type: 'predose.transportConfirmed', responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, staff.nurse);
  await d.send({ type: 'predose.vitalsRecorded', systolic: 126, diastolic: 80, heartRate: 72, spo2: 98 }, staff.nurse);
  await d.send({ type: 'predose.contraindicationsChecked', newFindings: [] }, staff.nurse);
  await d.at(due);
  await d.send({ type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 36, infusionMinutes: 40, lot: 'KX-26-0311', administration: 'staff-administered' }, staff.nurse);
  sessionFourDoseAt = due;
  await d.at(due + 15 * MIN);
  await d.send({ type: 'monitoring.vitalsRecorded', systolic: 132, diastolic: 84, heartRate: 80, spo2: 97 }, staff.nurse);
  await d.at(due + 30 * MIN);
  await d.send({ type: 'monitoring.vitalsRecorded', systolic: 136, diastolic: 86, heartRate: 82, spo2: 97 }, staff.nurse); // never returns: killed
}

async function secondProcess(path: string, resumeAt: number): Promise<void> {
  const clock = new ManualClock(resumeAt);
  const timeline = new Timeline(TIME_ZONE, { by: 'process 2' }).patient(JOURNEY_ID, PATIENT);
  const store = new SqliteStore({ path });
  const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: PROTOCOL });
  timeline.attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));
  timeline.note(JOURNEY_ID, clock.now(), 'process 2 opens the same file: recover(), then runDue()');

  // What every engine does when it starts: redeliver, then fire what came due while it was down.
  // Redelivered items reach listeners and plugins a second time with their first delivery ids.
  const redelivered = await engine.recover();
  for (const row of timeline.rows.slice(1)) Object.assign(row, { event: `${row.event} (redelivered)` });
  const fired = await engine.runDue();
  const d = drive(engine, clock, JOURNEY_ID, timeline);

  // The nurse kept watching on paper: the 45-minute reading is entered with the time it was taken.
  const due = Date.parse((await d.view()).context.session?.dose?.at ?? '');
  await d.send({ type: 'monitoring.vitalsRecorded', systolic: 134, diastolic: 84, heartRate: 78, spo2: 98, takenAt: iso(due + 45 * MIN) }, staff.nurse);
  await d.send({ type: 'monitoring.vitalsRecorded', systolic: 128, diastolic: 82, heartRate: 74, spo2: 98 }, staff.nurse);
  await d.send({ type: 'monitoring.sedationRecorded', moaas: 5 }, staff.nurse);
  await d.at(due + 58 * MIN);
  await d.send({ type: 'monitoring.vitalsRecorded', systolic: 126, diastolic: 80, heartRate: 72, spo2: 98 }, staff.nurse);
  await d.at(due + 60 * MIN);
  await d.send({ type: 'session.discharged', releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, staff.nurse);

  await calmSession(d, infusion);
  await calmSession(d, { ...infusion, gad7: 6 });
  await d.send({ type: 'response.decided', decision: 'maintenance', reason: 'Responder: one booster, then review', everyDays: 28 }, staff.physician);
  await calmSession(d, infusion);
  await d.after(24 * 60);
  await d.send({ type: 'maintenance.ended', reason: 'Response held; care returns to the referring GP' }, staff.physician);
  await store.close();
  await send({ kind: 'done', rows: timeline.rows, effects, redelivered, fired: fired.length });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.send) {
  const [role, path, resumeAt] = process.argv.slice(2);
  const run = role === 'first' ? firstProcess(path ?? '') : secondProcess(path ?? '', Number(resumeAt));
  run.then(
    () => process.disconnect(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
