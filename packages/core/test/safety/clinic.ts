// Steps of a clinic's day for the directed tests, over a World (so every step is also checked
// against the invariants): intake, a plan, sessions with their checks, monitoring and discharge.
import { expect } from 'vitest';
import type { KetamineRoute, SendResult } from '../../src/index.js';
import type { View } from './invariants.js';
import { openEpisode, readingsOf } from './journal.js';
import { HOUR, iso, MIN, ms, nextOpenSlot, ROUTE_MODEL, type ActorName, type Calendar, type ProtocolOptions } from './model.js';
import { dosePayload, NO_CONTRAINDICATIONS, nextPlanned, plannedAmount } from './scenario.js';
import { World } from './world.js';

export const isHome = (route: KetamineRoute): boolean => ROUTE_MODEL[route].setting === 'home';
export const staffOf = (route: KetamineRoute): ActorName => (isHome(route) ? 'patient' : 'nurse');

/** The result must be accepted; the message names the refusal otherwise. */
export function ok(result: SendResult<View>, what = 'the event'): View {
  if (!result.ok) throw new Error(`${what} was refused: ${result.error.code} ${result.error.message}`);
  return result.view;
}

/** The result must be refused (optionally with one of the codes). */
export function refused(result: SendResult<View>, codes?: readonly string[]): string {
  expect(result.ok, 'the event must be refused').toBe(false);
  if (result.ok) return '';
  if (codes) expect(codes, `refusal code ${result.error.code}: ${result.error.message}`).toContain(result.error.code);
  return result.error.code;
}

/** The result must be refused by a rule: the rule's reason, in words. */
export function refusalReason(result: SendResult<View>): string {
  expect(result.ok, 'the event must be refused').toBe(false);
  if (result.ok) return '';
  expect(result.error.code, result.error.message).toBe('CJ_ERR_GUARD');
  return String(result.error.details.reason ?? result.error.message);
}

export interface ClinicOptions {
  readonly route: KetamineRoute;
  readonly start?: string;
  readonly protocol?: ProtocolOptions;
  readonly calendar?: Calendar;
  /** The plan's induction schedule (default: one week, sessions on days 0 and 3). */
  readonly schedule?: readonly { weeks: number; days: number[] }[] | null;
  /** The plan's dose steps (default: the route's usual plan). */
  readonly steps?: readonly Record<string, unknown>[];
  readonly weightKg?: number | null;
  /** First session, local time on the first open day after `firstInDays`. */
  readonly firstInDays?: number;
  readonly firstAt?: number;
  readonly firstTime?: string;
}

// Plans in mg by default: the mg/kg cases (which need a recorded weight) are tested on their own.
const DEFAULT_STEPS: Record<KetamineRoute, Record<string, unknown>[]> = {
  'esketamine-nasal': [
    { fromSession: 1, amount: 56, unit: 'mg', devices: 2 },
    { fromSession: 2, amount: 84, unit: 'mg', devices: 3 },
  ],
  iv: [{ fromSession: 1, amount: 35, unit: 'mg', infusionMinutes: 40 }],
  im: [{ fromSession: 1, amount: 40, unit: 'mg' }],
  sc: [
    { fromSession: 1, amount: 15, unit: 'mg' },
    { fromSession: 2, amount: 30, unit: 'mg' },
    { fromSession: 3, amount: 60, unit: 'mg' },
  ],
  'sublingual-home': [{ fromSession: 1, amount: 100, unit: 'mg' }],
};

export async function newClinic(options: ClinicOptions): Promise<World> {
  return World.create({
    route: options.route,
    mode: 'collect',
    ...(options.start ? { start: options.start } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.calendar ? { calendar: options.calendar } : {}),
  });
}

/** Referral to a booked first session. */
export async function toInduction(w: World, options: ClinicOptions): Promise<View> {
  const { route } = options;
  ok(await w.send('referral.accepted', {}, 'coordinator'), 'referral.accepted');
  ok(await w.send('consultation.recorded', { kind: 'initial', mode: 'in-person' }, 'physician'));
  ok(await w.send('assessment.recorded', { instrument: 'GAD-7', total: 16 }, 'patient'));
  ok(await w.send('assessment.recorded', { instrument: 'PHQ-9', total: 11, item9: 0 }, 'patient'));
  ok(await w.send('screening.contraindicationsRecorded', { answers: NO_CONTRAINDICATIONS }, 'nurse'));
  ok(await w.send('screening.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse'));
  ok(await w.send('screening.medicationsReviewed', { classes: ['antidepressant'] }, 'physician'));
  ok(await w.send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician'), 'eligibility.decided');
  ok(await w.send('consent.recorded', { formVersion: 'KET-CONSENT-3' }, 'physician'));
  if (route === 'esketamine-nasal') ok(await w.send('rems.enrolled', { enrolmentRef: 'REMS-55120' }, 'coordinator'), 'rems.enrolled');
  const weight = options.weightKg ?? null;
  const schedule = options.schedule === undefined ? [{ weeks: 1, days: [0, 3] }] : options.schedule;
  ok(
    await w.send(
      'plan.recorded',
      {
        route,
        dosePlan: { summary: `${route} as prescribed`, steps: options.steps ?? DEFAULT_STEPS[route] },
        ...(weight === null ? {} : { weightKg: weight }),
        ...(schedule === null ? {} : { inductionSchedule: schedule }),
      },
      'physician',
    ),
    'plan.recorded',
  );
  const first = options.firstAt ?? nextOpenSlot(w.now, options.firstInDays ?? 7, w.calendar, options.firstTime ?? '09:00');
  return ok(await w.send('induction.started', { firstSessionAt: iso(first) }, 'coordinator'), 'induction.started');
}

/** To 20 minutes before the next planned session, and check in. */
export async function checkIn(w: World): Promise<View> {
  const next = nextPlanned(w.view.context);
  if (!next) throw new Error('no planned session');
  const arrive = ms(next.dueAt) - 20 * MIN;
  if (w.now < arrive) await w.advanceTo(arrive, 'to the session');
  return ok(await w.send('session.checkedIn', {}, isHome(w.route) ? 'patient' : 'coordinator'), 'session.checkedIn');
}

export interface CheckOptions {
  readonly bp?: { systolic: number; diastolic: number };
  readonly nasalMinutesAgo?: number;
  readonly findings?: string[];
  readonly medications?: string[];
  readonly skip?: readonly ('fasting' | 'transport' | 'vitals' | 'check' | 'meds')[];
}

/** Every pre-dose check, passed (unless told otherwise). */
export async function passChecks(w: World, o: CheckOptions = {}): Promise<void> {
  const staff = staffOf(w.route);
  const skip = new Set(o.skip ?? []);
  if (!skip.has('fasting')) {
    ok(
      await w.send(
        'predose.fastingConfirmed',
        {
          lastFoodAt: iso(w.now - 4 * HOUR),
          lastLiquidAt: iso(w.now - 90 * MIN),
          ...(o.nasalMinutesAgo === undefined ? {} : { lastNasalSteroidOrDecongestantAt: iso(w.now - o.nasalMinutesAgo * MIN) }),
        },
        staff,
      ),
      'predose.fastingConfirmed',
    );
  }
  if (!skip.has('transport')) {
    if (isHome(w.route)) {
      ok(await w.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient'), 'trusted adult');
    } else ok(await w.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'coordinator'), 'transport');
  }
  if (!skip.has('vitals')) ok(await w.send('predose.vitalsRecorded', { ...(o.bp ?? { systolic: 126, diastolic: 82 }), heartRate: 74, spo2: 98 }, staff), 'pre-dose vitals');
  if (!skip.has('check')) ok(await w.send('predose.contraindicationsChecked', { newFindings: o.findings ?? [] }, staff), 'contraindication check');
  // Co-medications are confirmed per session on REMS routes (esketamine); other routes only when asked.
  if (!skip.has('meds') && (ROUTE_MODEL[w.route].requiresRems || o.medications !== undefined)) {
    ok(await w.send('predose.medicationsConfirmed', { classes: o.medications ?? ['antidepressant'], changedSinceLastSession: false }, staff), 'predose.medicationsConfirmed');
  }
}

/** The planned dose of this session (or `amountMg`). */
export async function giveDose(w: World, amountMg?: number): Promise<SendResult<View>> {
  const number = w.view.context.session?.number ?? 1;
  const amount = amountMg ?? plannedAmount(w.journal, number) ?? 35;
  return w.send('dose.recorded', dosePayload(w.route, amount), staffOf(w.route));
}

/** Checked in, checks passed, dosed ten minutes later. */
export async function dosed(w: World, o: CheckOptions = {}): Promise<View> {
  await checkIn(w);
  await passChecks(w, o);
  await w.advance(10 * MIN);
  return ok(await giveDose(w), 'dose.recorded');
}

export const doseAt = (w: World): number => {
  const dose = openEpisode(w.journal)?.dose;
  if (!dose) throw new Error('no dose in the open session');
  return ms(dose.at);
};

/** Readings every ten minutes, sedation and dissociation, until the observation has elapsed. */
export async function observe(w: World, o: { until?: number; bp?: { systolic: number; diastolic: number } } = {}): Promise<void> {
  const staff = staffOf(w.route);
  const start = doseAt(w);
  const plan = w.journal.filter((e) => e.type === 'plan.recorded').at(-1);
  const minutes = (plan?.payload['observationMinutes'] as number | undefined) ?? w.model.routes[w.route].observationMinutes;
  const until = o.until ?? start + minutes * MIN;
  let t = start + 5 * MIN;
  let sys = o.bp?.systolic ?? 132;
  let dia = o.bp?.diastolic ?? 84;
  while (t <= until) {
    if (w.now < t) await w.advanceTo(t);
    ok(await w.send('monitoring.vitalsRecorded', { systolic: sys, diastolic: dia, heartRate: 78, spo2: 97 }, staff), 'monitoring.vitalsRecorded');
    sys = Math.max(110, sys - 1);
    dia = Math.max(70, dia - 1);
    t += 10 * MIN;
  }
  ok(await w.send('monitoring.sedationRecorded', { moaas: 4 }, staff), 'sedation');
  ok(await w.send('monitoring.dissociationRecorded', { score: 6, form: 'CADSS-6' }, staff), 'dissociation');
  if (w.now < until) await w.advanceTo(until, 'end of observation');
  else await w.advance(0);
}

/** After the observation: a final reading, MOAA/S 5, then the discharge. */
export async function discharge(w: World): Promise<SendResult<View>> {
  const staff = staffOf(w.route);
  const last = readingsOf(openEpisode(w.journal)?.entries ?? []).at(-1);
  ok(
    await w.send('monitoring.vitalsRecorded', { systolic: Math.min(last?.systolic ?? 124, 126), diastolic: Math.min(last?.diastolic ?? 80, 80), heartRate: 72, spo2: 98 }, staff),
    'final reading',
  );
  ok(await w.send('monitoring.sedationRecorded', { moaas: 5 }, staff), 'final sedation');
  return w.send('session.discharged', { releasedTo: isHome(w.route) ? 'trusted-adult-at-home' : 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, staff);
}

/** A whole session, check-in to discharge. */
export async function fullSession(w: World, o: CheckOptions = {}): Promise<View> {
  await dosed(w, o);
  await observe(w);
  return ok(await discharge(w), 'session.discharged');
}

/** Violations of the given invariants that the steps so far produced. */
export function violationsOf(w: World, ...invs: string[]) {
  return w.violations.filter((x) => invs.includes(x.inv)).map((x) => `${x.inv}: ${x.message}`);
}
