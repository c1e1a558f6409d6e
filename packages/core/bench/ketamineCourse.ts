// A long course of the shipped ketamine-for-anxiety journey, driven through the public engine API
// the way the journey tests drive it (test/journey/harness.ts): referral and screening,
// eligibility, consent (and REMS enrolment for esketamine), the plan, then every session from
// check-in through the pre-dose checks, the dose, readings on the route's cadence with the
// durable timers fired by `runDue`, to discharge; the response review into maintenance; then
// maintenance sessions. Every `send` and `runDue` is timed (wall and CPU) and charged to the
// session it belongs to, so a bench can compare the cost per event early and late in a course.
// Reads the driver needs come from the views `send` returns: the course makes no extra `get`.
import { performance } from 'node:perf_hooks';
import {
  ketamineAnxietyJourney,
  type JourneyEngine,
  type JourneyEventFrom,
  type JourneyView,
  type KetamineJourneyContext,
  type KetamineProtocolInput,
  type ManualClock,
} from '../src/index.js';

type Def = typeof ketamineAnxietyJourney;
type KetamineEvent = JourneyEventFrom<Def>;
type Payload<K extends KetamineEvent['type']> = Omit<Extract<KetamineEvent, { type: K }>, 'type'>;
type View = JourneyView<KetamineJourneyContext>;

export const actors = {
  coordinator: { id: 'coord-1', role: 'coordinator' },
  nurse: { id: 'nurse-1', role: 'nurse' },
  physician: { id: 'md-1', role: 'physician' },
  therapist: { id: 'ther-1', role: 'therapist' },
  patient: { id: 'pt-self', role: 'patient' },
} as const;
type ActorName = keyof typeof actors;

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The clinic's protocol: its zone and its acceptance of the documented defaults. */
export const COURSE_PROTOCOL: KetamineProtocolInput = { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true };
/** When the referral arrives (a Monday). */
export const COURSE_START = '2026-03-02T08:00:00Z';

export interface CourseSpec {
  readonly name: string;
  readonly route: 'iv' | 'esketamine-nasal';
  /** Maintenance sessions after the induction sessions the protocol schedules. */
  readonly maintenanceSessions: number;
  /** The maintenance cadence the physician chooses at the response review. */
  readonly everyDays: number;
  /** A follow-up questionnaire in every n-th maintenance session. */
  readonly assessEvery: number;
}

/** IV racemic ketamine: six infusions over two weeks, then boosters every three weeks, with concurrent therapy. */
export const IV_COURSE: CourseSpec = { name: 'IV', route: 'iv', maintenanceSessions: 100, everyDays: 21, assessEvery: 2 };
/**
 * Esketamine nasal spray: twice weekly for four weeks, weekly for four more (the label's induction),
 * then weekly maintenance, each session with its REMS monitoring form and a phone check-in after it.
 */
export const ESKETAMINE_COURSE: CourseSpec = { name: 'esketamine', route: 'esketamine-nasal', maintenanceSessions: 100, everyDays: 7, assessEvery: 4 };

const DOSE_PLANS = {
  'esketamine-nasal': { summary: 'Esketamine 56 mg per session', steps: [{ fromSession: 1, amount: 56, unit: 'mg' as const, devices: 2 }] },
  iv: { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 min', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg' as const, infusionMinutes: 40 }] },
};
const WEIGHT_KG = 70;

/** What the engine spent on one session's events (session 0: the referral and intake). */
export interface SessionCost {
  readonly session: number;
  /** Events applied: sends, and timers fired by `runDue`. */
  events: number;
  wallMs: number;
  cpuMs: number;
}

export interface CourseResult {
  readonly journeyId: string;
  /** Indexed by session number; [0] is everything before the first session. */
  readonly sessions: SessionCost[];
  readonly totals: { events: number; wallMs: number; cpuMs: number };
}

export interface CourseOptions {
  /** The journey's id (default: the engine's generated one). */
  readonly journeyId?: string;
  /** Stops after this session (0: after the intake, with the first session booked). */
  readonly untilSession?: number;
  /** After `start` (untimed). */
  readonly afterStart?: (journeyId: string) => Promise<void> | void;
  /** After a session's discharge and what follows it (untimed). */
  readonly afterSession?: (session: number, view: View) => Promise<void> | void;
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Drives one journey through a course on `engine` (which runs on `clock`). */
export async function runCourse(engine: JourneyEngine<Def>, clock: ManualClock, spec: CourseSpec, options: CourseOptions = {}): Promise<CourseResult> {
  const { journeyId, untilSession = Number.POSITIVE_INFINITY } = options;
  const sessions: SessionCost[] = [{ session: 0, events: 0, wallMs: 0, cpuMs: 0 }];
  let current = sessions[0]!;
  const timed = async <T>(run: () => Promise<T>, events: (result: T) => number): Promise<T> => {
    const w = performance.now();
    const c = cpuNow();
    const result = await run();
    current.cpuMs += cpuNow() - c;
    current.wallMs += performance.now() - w;
    current.events += events(result);
    return result;
  };

  const started = await timed(
    () =>
      engine.start({
        ...(journeyId === undefined ? {} : { journeyId }),
        patientRef: 'pt-0001',
        actor: actors.coordinator,
        input: { referral: { source: 'professional', indication: 'generalized-anxiety', referrerRef: 'gp-77' } },
      }),
    () => 1,
  );
  const id = started.id;
  await options.afterStart?.(id);
  let view = started as unknown as View;

  const send = async <K extends KetamineEvent['type']>(type: K, payload: Payload<K>, actor: ActorName): Promise<View> => {
    const r = await timed(() => engine.send(id, { type, ...payload } as KetamineEvent, { actor: actors[actor] }), (r) => (r.ok ? 1 : 0));
    if (!r.ok) throw new Error(`${spec.name} course, session ${current.session}: ${type} refused: ${r.error.code} ${r.error.message}`);
    view = r.view as unknown as View;
    return view;
  };
  const advanceTo = async (at: number): Promise<void> => {
    if (at > clock.now()) clock.advanceTo(at);
    const fired = await timed(() => engine.runDue(), (f) => f.length);
    const failed = fired.find((f) => (f as { error?: unknown }).error);
    if (failed) throw new Error(`${spec.name} course, session ${current.session}: timer ${failed.key} failed`);
  };

  // Referral, consultation, screening.
  await send('referral.accepted', {}, 'coordinator');
  await send('consultation.recorded', { kind: 'initial', mode: 'in-person' }, 'physician');
  await send('assessment.recorded', { instrument: 'GAD-7', total: 16 }, 'patient');
  await send('assessment.recorded', { instrument: 'PHQ-9', total: 11, item9: 0 }, 'patient');
  await send('screening.contraindicationsRecorded', { answers: noContraindications() }, 'nurse');
  await send('screening.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse');
  await send('screening.medicationsReviewed', { classes: ['antidepressant'] }, 'physician');
  const therapy = spec.route === 'iv';
  if (therapy) await send('therapy.linked', { therapistRef: 'therapist-42', modality: 'cbt' }, 'coordinator');
  // Eligibility, consent, REMS, the plan, the first session a week after referral.
  await send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
  await send('consent.recorded', { formVersion: 'KET-CONSENT-3' }, 'physician');
  if (spec.route === 'esketamine-nasal') await send('rems.enrolled', { enrolmentRef: 'REMS-55120' }, 'coordinator');
  await send('plan.recorded', { route: spec.route, dosePlan: DOSE_PLANS[spec.route], ...(spec.route === 'iv' ? { weightKg: WEIGHT_KG } : {}) } as Payload<'plan.recorded'>, 'physician');
  await send('induction.started', { firstSessionAt: iso(Date.parse(COURSE_START) + 7 * 24 * 60 * MIN + 60 * MIN) }, 'coordinator');

  let maintenance = 0;
  for (let n = 1; maintenance < spec.maintenanceSessions && n <= untilSession; n++) {
    current = { session: n, events: 0, wallMs: 0, cpuMs: 0 };
    sessions[n] = current;
    const planned = view.context.schedule.filter((s) => s.status === 'planned').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
    const next = planned[0];
    if (!next) throw new Error(`${spec.name} course: no planned session ${n}`);
    if (next.number !== n) throw new Error(`${spec.name} course: session ${next.number} planned where ${n} was expected`);
    const inMaintenance = next.phase === 'maintenance';
    if (inMaintenance) maintenance++;
    const lastInduction = !inMaintenance && planned.filter((s) => s.phase === next.phase).length === 1;
    const assess = lastInduction || (inMaintenance && maintenance % spec.assessEvery === 0);

    await advanceTo(Date.parse(next.dueAt) - 20 * MIN);
    if (therapy) await send('therapy.sessionAttended', { attendedAt: iso(clock.now()) }, 'therapist');
    await runSession(spec, view, next.number, assess, send, advanceTo, () => clock.now());
    if (spec.route === 'esketamine-nasal') {
      for (const f of view.context.rems.forms.filter((x) => x.submitted === null)) {
        await send('rems.formSubmitted', { sessionNumber: f.sessionNumber, submissionRef: `F-${f.sessionNumber}` }, 'nurse');
      }
      if (inMaintenance) await send('checkIn.recorded', { mode: 'phone' }, 'nurse');
    }
    if (view.stateLabel.includes('responseReview.clinicianDecision')) {
      await send('response.decided', { decision: 'maintenance', reason: 'Responder: maintenance as planned', everyDays: spec.everyDays }, 'physician');
    }
    await options.afterSession?.(n, view);
  }
  const totals = { events: 0, wallMs: 0, cpuMs: 0 };
  for (const s of sessions) {
    totals.events += s.events;
    totals.wallMs += s.wallMs;
    totals.cpuMs += s.cpuMs;
  }
  return { journeyId: id, sessions, totals };
}

type Send = <K extends KetamineEvent['type']>(type: K, payload: Payload<K>, actor: ActorName) => Promise<View>;

/** One clinic session from check-in to discharge (harness.ts runSession and observeAndDischarge). */
async function runSession(spec: CourseSpec, before: View, number: number, assess: boolean, send: Send, advanceTo: (at: number) => Promise<void>, now: () => number): Promise<void> {
  await send('session.checkedIn', {}, 'coordinator');
  await send('predose.fastingConfirmed', { lastFoodAt: iso(now() - 4 * 60 * MIN), lastLiquidAt: iso(now() - 90 * MIN) }, 'nurse');
  await send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'coordinator');
  await send('predose.vitalsRecorded', { systolic: 126, diastolic: 82, heartRate: 74, spo2: 98 }, 'nurse');
  await send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
  await send('predose.medicationsConfirmed', { classes: ['antidepressant'], changedSinceLastSession: false }, 'nurse');
  await advanceTo(now() + 20 * MIN);
  const iv = spec.route === 'iv';
  const plannedMg = iv ? Math.round(0.5 * (before.context.plan?.weightKg ?? WEIGHT_KG) * 100) / 100 : 56;
  let view = await send(
    'dose.recorded',
    {
      ...(iv ? { medication: 'racemic-ketamine', infusionMinutes: 40 } : { medication: 'esketamine', devices: 2 }),
      amountMg: plannedMg,
      lot: 'LOT-2291',
      administration: iv ? 'staff-administered' : 'self-administered-supervised',
    } as Payload<'dose.recorded'>,
    'nurse',
  );
  if (assess) view = await send('assessment.recorded', { instrument: 'GAD-7', total: 6 }, 'patient');
  const session = view.context.session;
  if (!session?.dose || session.number !== number) throw new Error(`${spec.name} course: session ${number} not dosed`);
  const doseAt = Date.parse(session.dose.at);
  const observation = session.observationMinutes;
  // Readings every 15 minutes with sedation and dissociation at the first, the observation timer,
  // a last reading, and discharge to the responsible adult.
  for (let minute = 10; minute < observation; minute += 15) {
    const at = doseAt + minute * MIN;
    if (at < now()) continue;
    await advanceTo(at);
    await send('monitoring.vitalsRecorded', { systolic: 138, diastolic: 86, heartRate: 84, spo2: 97 }, 'nurse');
    if (minute === 10) {
      await send('monitoring.sedationRecorded', { moaas: 4 }, 'nurse');
      await send('monitoring.dissociationRecorded', { score: 8, form: 'CADSS-6' }, 'nurse');
    }
  }
  await advanceTo(doseAt + observation * MIN);
  await send('monitoring.vitalsRecorded', { systolic: 128, diastolic: 80, heartRate: 76, spo2: 98 }, 'nurse');
  await send('monitoring.sedationRecorded', { moaas: 5 }, 'nurse');
  await send('session.discharged', { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, 'nurse');
}

function noContraindications() {
  return {
    'aneurysmal-vascular-disease': false,
    'arteriovenous-malformation': false,
    'intracerebral-haemorrhage-history': false,
    'ketamine-hypersensitivity': false,
    pregnancy: false,
    breastfeeding: false,
    'psychosis-history': false,
    'active-mania': false,
    'substance-use-disorder': false,
    'unmanaged-hypertension': false,
    'heart-disease': false,
    'raised-intracranial-pressure': false,
    'intracranial-mass': false,
    'open-globe-injury': false,
    glaucoma: false,
    'uncontrolled-hyperthyroidism': false,
    'liver-disease': false,
    'cystitis-history': false,
  };
}

/** Median of a non-empty list. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * µs per event of each session `from`..`to` of a course, one figure per session (its time over its
 * events), by wall or CPU time. A bench takes the median of these over several rounds, so a
 * session that met a garbage collection or a WAL checkpoint does not decide the figure.
 */
export function perSessionUs(result: CourseResult, from: number, to: number, clock: 'wallMs' | 'cpuMs'): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) {
    const s = result.sessions[n];
    if (!s || s.events === 0) throw new Error(`the course has no session ${n}`);
    out.push((s[clock] * 1000) / s.events);
  }
  return out;
}
