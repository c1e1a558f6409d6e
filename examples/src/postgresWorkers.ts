// PostgreSQL, with several processes on one database. A clinic app (this process) records a
// morning at the infusion suite: three patients in overlapping IV sessions and a fourth who does
// not come. It never fires a timer itself: two worker processes run `runWorker` over the same
// database and fire every due timer (BP checks, ends of observation, the no-show) exactly once,
// claiming them with `FOR UPDATE SKIP LOCKED`; whichever worker fires a timer delivers its effects.
//
//   pnpm example postgres
//
// Needs the PostgreSQL server at 127.0.0.1:5432 (user postgres, database test; or
// CAREJOURNEY_EXAMPLE_DATABASE_URL). The example works in a schema of its own and drops it at the end.
// Every value here is illustrative.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import {
  createEngine,
  ketamineAnxietyJourney,
  ManualClock,
  type EffectNotice,
  type JournalEntry,
  type SendResult,
} from '@carejourney/core';
import { PostgresStore, runWorker, type WorkerSummary } from '@carejourney/store-postgres';
import { iso, MIN, patientActor, screenAndPlan, staff, type ClinicActor, type Driver, type EventOf, type KetamineEvent, type KetamineView } from './clinic.js';
import type { ExampleOutput } from './examples.js';
import { shortState, mergeTimelines, Timeline, type KetamineEngine, type TimelineRow } from './timeline.js';

const TIME_ZONE = 'Europe/Vienna';
const PROTOCOL = { timeZone: TIME_ZONE, acceptUnconfirmedDefaults: true } as const; // placeholders accepted as shipped (a demo)
const DATABASE_URL = process.env['CAREJOURNEY_EXAMPLE_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const START = Date.parse('2026-03-23T07:00:00Z'); // Monday 08:00 in Vienna
const WORKERS = ['worker A', 'worker B'] as const;

/** Messages between the clinic app and its workers. */
type ToWorker = { readonly kind: 'advance'; readonly to: number } | { readonly kind: 'stop' };
type FromWorker = { readonly kind: 'ready' } | { readonly kind: 'stopped'; readonly rows: readonly TimelineRow[]; readonly summary: WorkerSummary; readonly effects: readonly EffectNotice[] };

export interface PostgresWorkersResult extends ExampleOutput {
  readonly views: readonly KetamineView[];
  readonly journals: readonly (readonly JournalEntry[])[];
  /** What each worker fired, from its own summary. */
  readonly workers: readonly { readonly name: string; readonly summary: WorkerSummary }[];
  /** Effects delivered in the clinic app (those of the events it applied). */
  readonly effects: readonly EffectNotice[];
  /** Effects delivered in the workers (those of the timers they fired). */
  readonly workerEffects: readonly EffectNotice[];
  readonly schema: string;
}

export async function runPostgresWorkers(): Promise<PostgresWorkersResult> {
  const schema = `cj_example_${process.pid}_${randomBytes(3).toString('hex')}`;
  const clock = new ManualClock(START);
  // Creates the schema on first use.
  const store = await PostgresStore.open({ connectionString: DATABASE_URL, schema, poolSize: 4, workerId: 'clinic-app' });
  const workers = WORKERS.map((name) => spawnWorker(name, schema));
  try {
    await Promise.all(workers.map((w) => w.ready));
    const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: PROTOCOL });
    const timeline = new Timeline(TIME_ZONE, { by: 'clinic app' }).attach(engine);
    const effects: EffectNotice[] = [];
    engine.on('effect', (n) => effects.push(n));
    const journeyIds: string[] = [];

    /** Moves the clinic's clock and every worker's, then waits until the workers fired what is due. */
    const at = async (instant: number) => {
      clock.advanceTo(instant);
      for (const w of workers) w.child.send({ kind: 'advance', to: instant } satisfies ToWorker);
      await waitUntil(async () => {
        const views = await Promise.all(journeyIds.map((id) => engine.get(id)));
        return views.every((v) => v.timers.every((t) => Date.parse(t.dueAt) > instant));
      });
    };

    // Four patients screened and booked for Monday's first induction session, 20 minutes apart.
    const patients = ['pt-9001', 'pt-9002', 'pt-9003', 'pt-9004'];
    for (const [i, patientRef] of patients.entries()) {
      const { id } = await engine.start({ patientRef, actor: staff.coordinator, input: { referral: { source: 'professional', indication: 'generalized-anxiety' } } });
      journeyIds.push(id);
      await screenAndPlan(driver(engine, clock, id, at), {
        patient: patientActor(patientRef),
        baseline: { gad7: 14 + i, phq9: 9 + i },
        medications: [],
        consentForm: 'KET-IV-2026-01',
        plan: { route: 'iv', dosePlan: { summary: 'Racemic ketamine 40 mg IV over 40 minutes', steps: [{ fromSession: 1, amount: 40, unit: 'mg', infusionMinutes: 40 }] } },
        firstSessionAt: iso(START + 7 * 24 * 60 * MIN + (60 + i * 20) * MIN), // the next Monday, 09:00, 09:20, 09:40, 10:00
      });
    }

    // Monday morning: the three sessions interleave; the fourth patient never arrives.
    const steps = journeyIds
      .slice(0, 3)
      .flatMap((id, i) => sessionSteps(id, START + 7 * 24 * 60 * MIN + (60 + i * 20) * MIN))
      .sort((a, b) => a.at - b.at);
    for (const step of steps) {
      if (step.at > clock.now()) await at(step.at);
      const result: SendResult<KetamineView> = await engine.send(step.journeyId, step.event, { actor: step.actor });
      if (!result.ok) throw new Error(`${step.event.type} was refused: ${result.error.message}`);
    }
    await at(START + 7 * 24 * 60 * MIN + 4 * 60 * MIN); // noon: the no-show of 10:00 has fired

    const views = await Promise.all(journeyIds.map((id) => engine.get(id)));
    const journals = await Promise.all(journeyIds.map((id) => engine.history(id)));
    for (const w of workers) w.child.send({ kind: 'stop' } satisfies ToWorker);
    const stopped = await Promise.all(workers.map((w) => w.stopped));
    // The workers never saw the journeys start: name the patients on their rows.
    const patientOf = new Map(views.map((v) => [v.id, v.patientRef]));
    const rows = mergeTimelines(timeline.rows, ...stopped.map((s) => s.rows)).map((r) => ({ ...r, patientRef: patientOf.get(r.journeyId) ?? r.patientRef }));
    const fired = (name: string) => stopped[WORKERS.indexOf(name as (typeof WORKERS)[number])]?.summary.fired ?? 0;
    const timerEntries = journals.flat().filter((e) => e.kind === 'timer').length;
    return {
      title: 'PostgreSQL: a clinic app and two worker processes on one database',
      timeZone: TIME_ZONE,
      rows,
      summary: [
        ...views.map((v) => `${v.patientRef}:   ${shortState(v.stateLabel)} (${v.context.sessions.map((s) => `session ${s.number} ${s.outcome}`).join(', ') || `session 1 ${v.context.schedule[0]?.status ?? '-'}`})`),
        `Timers:    ${timerEntries} fired, each once: ${WORKERS.map((n) => `${n} ${fired(n)}`).join(', ')}`,
        `Database:  schema ${schema} on ${new URL(DATABASE_URL).host}, dropped afterwards`,
      ],
      views,
      journals,
      workers: WORKERS.map((name, i) => ({ name, summary: stopped[i]!.summary })),
      effects,
      workerEffects: stopped.flatMap((s) => s.effects),
      schema,
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await store.close();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

/** One calm IV session of a patient as timed steps: arrival and checks, the dose, readings, discharge. */
function sessionSteps(journeyId: string, due: number): { at: number; journeyId: string; event: KetamineEvent; actor: ClinicActor }[] {
  const { nurse, coordinator } = staff;
  const step = (minutes: number, event: KetamineEvent, actor: ClinicActor = nurse) => ({ at: due + minutes * MIN, journeyId, event, actor });
  const vitals = (systolic: number): EventOf<'monitoring.vitalsRecorded'> => ({ type: 'monitoring.vitalsRecorded', systolic, diastolic: 82, heartRate: 76, spo2: 97 });
  return [
    step(-30, { type: 'session.checkedIn' }, coordinator),
    step(-30, { type: 'predose.fastingConfirmed', lastFoodAt: iso(due - 300 * MIN), lastLiquidAt: iso(due - 120 * MIN) }),
    step(-30, { type: 'predose.transportConfirmed', responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }),
    step(-30, { type: 'predose.vitalsRecorded', systolic: 126, diastolic: 80, heartRate: 72, spo2: 98 }),
    step(-30, { type: 'predose.contraindicationsChecked', newFindings: [] }),
    step(0, { type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 40, infusionMinutes: 40, lot: 'KX-26-0323', administration: 'staff-administered' }),
    step(15, vitals(132)),
    step(30, vitals(136)),
    step(41, vitals(138)),
    step(41, { type: 'monitoring.sedationRecorded', moaas: 4 }),
    step(45, vitals(134)),
    step(55, vitals(128)),
    step(55, { type: 'monitoring.sedationRecorded', moaas: 5 }),
    step(60, { type: 'session.discharged', releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }),
  ];
}

/** A driver for intake on this engine: its `at` lets the workers fire timers. */
function driver(engine: KetamineEngine, clock: ManualClock, id: string, at: (instant: number) => Promise<void>): Driver {
  const d: Driver = {
    id,
    engine,
    clock,
    async send(event, actor) {
      const result = await engine.send(id, event, { actor });
      if (!result.ok) throw new Error(`${event.type} was refused: ${result.error.message}`);
      return result.view;
    },
    attempt: (event, actor) => engine.send(id, event, { actor }),
    at: (instant) => at(typeof instant === 'number' ? instant : Date.parse(instant)),
    after: (minutes) => at(clock.now() + minutes * MIN),
    view: () => engine.get(id),
  };
  return d;
}

async function waitUntil(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const give = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > give) throw new Error('the workers did not fire the due timers in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function spawnWorker(name: string, schema: string) {
  const child = fork(fileURLToPath(import.meta.url), ['worker', name, schema], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const message = <K extends FromWorker['kind']>(kind: K) =>
    new Promise<Extract<FromWorker, { kind: K }>>((resolve, reject) => {
      child.on('message', (m: FromWorker) => m.kind === kind && resolve(m as Extract<FromWorker, { kind: K }>));
      void exited.then(() => reject(new Error(`${name} exited before "${kind}"`)));
    });
  const ready = message('ready');
  const stopped = message('stopped');
  stopped.catch(() => undefined);
  return { child, exited, ready, stopped };
}

// ------------------------------------------------------------------ a worker process

/** A server's timer worker: `runWorker` over the shared database, its clock moved by the clinic app. */
async function workerProcess(name: string, schema: string): Promise<void> {
  const clock = new ManualClock(START);
  const store = await PostgresStore.open({ connectionString: DATABASE_URL, schema, poolSize: 2, workerId: name });
  const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: PROTOCOL });
  const timeline = new Timeline(TIME_ZONE, { by: name }).attach(engine);
  const effects: EffectNotice[] = [];
  engine.on('effect', (n) => effects.push(n));

  const controller = new AbortController();
  process.on('message', (m: ToWorker) => {
    if (m.kind === 'advance') clock.advanceTo(m.to);
    else controller.abort();
  });
  process.send?.({ kind: 'ready' } satisfies FromWorker);
  // Polls every 20 ms (real time) and wakes on NOTIFY; fires what is due by its clock.
  const summary = await runWorker({ engine, store, signal: controller.signal, pollMs: 20 });
  await store.close();
  process.send?.({ kind: 'stopped', rows: timeline.rows, summary, effects } satisfies FromWorker, () => process.disconnect());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.send) {
  const [role, name, schema] = process.argv.slice(2);
  if (role === 'worker') {
    workerProcess(name ?? 'worker', schema ?? '').catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  }
}
