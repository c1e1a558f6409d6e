// The guided generator of the random walks: mostly what a clinic would plausibly do next in the
// journey's current state (screening → plan → induction → sessions with pre-dose checks, dose,
// monitoring, discharge; holds, missed sessions, response review, maintenance, endings), mixed
// with hostile events (wrong roles, wrong times, adversarial payloads, events out of order,
// reused idempotency keys) and random moves of the clock.
import type { KetamineJourneyContext, KetamineRoute } from '../../src/index.js';
import { DOSED, MISSED_REVIEW, ON_HOLD, openEpisode, PRE_DOSE, preDoseRecords, readingsOf, takenAt, WAITING, num, ofType, type Entry } from './journal.js';
import {
  DAY,
  HOUR,
  iso,
  MIN,
  ms,
  nextClosedSlot,
  nextOpenSlot,
  ROLE_TABLE,
  ROUTE_MODEL,
  ROUTES,
  TIMER_EVENTS,
  type ActorName,
  type RouteModel,
} from './model.js';
import type { Rand } from './rand.js';
import type { World } from './world.js';

export type Step =
  | { readonly kind: 'send'; readonly type: string; readonly payload: Record<string, unknown>; readonly actor: ActorName; readonly wellFormed?: boolean; readonly note?: string }
  | { readonly kind: 'advance'; readonly ms: number; readonly note?: string }
  | { readonly kind: 'resend'; readonly key: string; readonly variant: 'same' | 'payload' | 'actor' | 'type' }
  | { readonly kind: 'pair'; readonly first: SendStep; readonly second: SendStep };

type SendStep = Extract<Step, { kind: 'send' }>;

type Ctx = KetamineJourneyContext;

const send = (type: string, payload: Record<string, unknown>, actor: ActorName, extra: { wellFormed?: boolean; note?: string } = {}): Step => ({
  kind: 'send',
  type,
  payload,
  actor,
  ...extra,
});
const advance = (by: number, note?: string): Step => ({ kind: 'advance', ms: Math.max(0, by), ...(note ? { note } : {}) });

export const NO_CONTRAINDICATIONS: Record<string, boolean> = Object.fromEntries(
  [
    'aneurysmal-vascular-disease',
    'arteriovenous-malformation',
    'intracerebral-haemorrhage-history',
    'ketamine-hypersensitivity',
    'pregnancy',
    'breastfeeding',
    'psychosis-history',
    'active-mania',
    'substance-use-disorder',
    'unmanaged-hypertension',
    'heart-disease',
    'raised-intracranial-pressure',
    'intracranial-mass',
    'open-globe-injury',
    'glaucoma',
    'uncontrolled-hyperthyroidism',
    'liver-disease',
    'cystitis-history',
  ].map((k) => [k, false]),
);

const isHome = (route: KetamineRoute) => ROUTE_MODEL[route].setting === 'home';
const sessionStaff = (route: KetamineRoute): ActorName => (isHome(route) ? 'patient' : 'nurse');

export function nextPlanned(c: Ctx) {
  return c.schedule.filter((s) => s.status === 'planned').sort((a, b) => ms(a.dueAt) - ms(b.dueAt))[0];
}

function primaryInstrument(c: Ctx): 'GAD-7' | 'LSAS' {
  return c.referral.indication === 'social-anxiety' ? 'LSAS' : 'GAD-7';
}

function baseline(c: Ctx, instrument: string): number {
  return c.assessments.filter((a) => a.phase === 'baseline' && a.instrument === instrument).at(-1)?.total ?? 16;
}

// ------------------------------------------------------------------ plans and doses

const WEIGHTS: Partial<Record<KetamineRoute, number>> = { iv: 70, im: 80, sc: 60 };

/** The prescriber's plan for a route (within the protocol `m`); `withWeight: false` leaves an mg/kg plan without the weight. */
export function planPayload(route: KetamineRoute, r: Rand, withWeight = true, m: RouteModel = ROUTE_MODEL[route]): Record<string, unknown> {
  const schedule = r.weighted<readonly { weeks: number; days: number[] }[] | undefined>([
    [5, [{ weeks: 1, days: [0, 3] }]],
    [3, [{ weeks: 1, days: [0] }]],
    [1, [{ weeks: 1, days: [0, 2, 4] }]],
    [1, undefined],
  ]);
  let steps: Record<string, unknown>[];
  switch (route) {
    case 'esketamine-nasal':
      steps = r.chance(0.5) || !(m.dosing.allowedDosesMg ?? []).includes(84)
        ? [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }]
        : [
            { fromSession: 1, amount: 56, unit: 'mg', devices: 2 },
            { fromSession: 2, amount: 84, unit: 'mg', devices: 3 },
          ];
      break;
    case 'iv':
      steps = [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }];
      break;
    case 'im':
      steps = [{ fromSession: 1, amount: 0.5, unit: 'mg/kg' }];
      break;
    case 'sc':
      steps = [
        { fromSession: 1, amount: 0.25, unit: 'mg/kg' },
        { fromSession: 2, amount: 0.5, unit: 'mg/kg' },
        { fromSession: 3, amount: 1, unit: 'mg/kg' },
      ];
      break;
    case 'sublingual-home':
      steps = [{ fromSession: 1, amount: 100, unit: 'mg' }];
      break;
  }
  const weight = WEIGHTS[route];
  return {
    route,
    dosePlan: { summary: `${route} as prescribed`, steps },
    ...(weight !== undefined && withWeight ? { weightKg: weight } : {}),
    ...(schedule ? { inductionSchedule: schedule } : {}),
    ...(r.chance(0.15) ? { observationMinutes: m.observationMinutes + 15 } : {}),
  };
}

/** The amount the plan in the journal prescribes for a session. */
export function plannedAmount(journal: readonly Entry[], sessionNumber: number): number | null {
  const plan = journal.filter(ofType('plan.recorded')).at(-1);
  if (!plan) return null;
  const steps = (plan.payload['dosePlan'] as { steps: { fromSession: number; amount: number; unit: string }[] }).steps;
  const step = steps.filter((s) => s.fromSession <= sessionNumber).sort((a, b) => b.fromSession - a.fromSession)[0];
  if (!step) return null;
  if (step.unit === 'mg') return step.amount;
  return step.amount * (num(plan.payload, 'weightKg') ?? 70);
}

export function dosePayload(route: KetamineRoute, amountMg: number): Record<string, unknown> {
  const m = ROUTE_MODEL[route];
  return {
    medication: m.medication,
    amountMg,
    ...(m.mgPerDevice === null ? {} : { devices: Math.round(amountMg / m.mgPerDevice) }),
    ...(route === 'iv' ? { infusionMinutes: 40 } : {}),
    lot: 'LOT-2291',
    administration: m.setting === 'home' ? 'self-administered-at-home' : route === 'esketamine-nasal' ? 'self-administered-supervised' : 'staff-administered',
  };
}

// ------------------------------------------------------------------ plausible steps

function screeningStep(w: World, r: Rand): Step {
  const c = w.view.context;
  const has = (instrument: string) => c.assessments.some((a) => a.phase === 'baseline' && a.instrument === instrument);
  if (/physicianReview/.test(w.view.stateLabel) && c.intake.eligibility?.outcome === 'physician-review') {
    return send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician', { note: 'after review' });
  }
  if (c.intake.consultations.length === 0) return send('consultation.recorded', { kind: 'initial', mode: r.pick(['in-person', 'video']) }, 'physician');
  if (!has('GAD-7')) return send('assessment.recorded', { instrument: 'GAD-7', total: r.int(12, 21) }, 'patient');
  if (!has('PHQ-9')) {
    const item9 = r.chance(0.1) ? 1 : 0;
    return send('assessment.recorded', { instrument: 'PHQ-9', total: r.int(6, 20) + item9, item9 }, 'patient');
  }
  if (primaryInstrument(c) === 'LSAS' && !has('LSAS')) return send('assessment.recorded', { instrument: 'LSAS', total: r.int(60, 110) }, 'nurse');
  if (!c.intake.contraindications) {
    return send('screening.contraindicationsRecorded', { answers: { ...NO_CONTRAINDICATIONS, ...(r.chance(0.1) ? { glaucoma: true } : {}) } }, 'nurse');
  }
  if (!c.intake.baselineVitals) return send('screening.vitalsRecorded', { systolic: r.int(110, 135), diastolic: r.int(65, 85), heartRate: r.int(60, 90), spo2: 98 }, 'nurse');
  if (!c.intake.medications) return send('screening.medicationsReviewed', { classes: r.pick([[], ['antidepressant'], ['benzodiazepine']]) }, 'physician');
  if (c.referral.extraScreeningRequired && !c.intake.extraScreening) return send('screening.selfReferralReviewed', { method: 'records-from-treating-professional' }, 'physician');
  return r.chance(0.88)
    ? send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician')
    : send('eligibility.decided', { outcome: 'physician-review', reasons: ['relative contraindication to weigh'] }, 'nurse');
}

function planningStep(w: World, r: Rand): Step {
  const c = w.view.context;
  if (!c.intake.consent) return send('consent.recorded', { formVersion: 'KET-CONSENT-3' }, 'physician');
  if (w.route === 'esketamine-nasal' && !c.intake.remsEnrolment) return send('rems.enrolled', { enrolmentRef: 'REMS-55120' }, 'coordinator');
  if (!c.plan) {
    const mgPerKg = w.route === 'iv' || w.route === 'im' || w.route === 'sc';
    return send('plan.recorded', planPayload(w.route, r, !mgPerKg || r.chance(0.75), w.model.routes[w.route]), 'physician');
  }
  const first = nextOpenSlot(w.now, r.int(1, 6), w.calendar, r.pick(['09:00', '13:30']));
  return send('induction.started', { firstSessionAt: iso(first) }, 'coordinator');
}

function waitingStep(w: World, r: Rand): Step {
  const c = w.view.context;
  const next = nextPlanned(c);
  if (!next) return advance(r.int(1, 60) * MIN);
  const due = ms(next.dueAt);
  const m = w.model.routes[w.route];
  const grace = w.model.noShowGraceMinutes;
  const opens = due - m.checkInOpensHoursBefore * HOUR;
  const maintenance = /maintenance/.test(w.view.stateLabel);
  const reschedule = () =>
    send('session.rescheduled', { sessionNumber: next.number, to: iso(nextOpenSlot(Math.max(w.now, due), r.int(1, 3), w.calendar, '10:00')), reason: 'patient request' }, 'coordinator');
  if (w.now < opens) {
    return r.weighted<() => Step>([
      [70, () => advance(due - r.int(10, 60) * MIN - w.now, 'to the session')],
      [6, reschedule],
      [4, () => send('session.cancelled', { reason: 'patient unwell' }, 'coordinator')],
      [maintenance ? 5 : 0, () => send('maintenance.cadenceChanged', { everyDays: r.pick([7, 14, 21]), reason: 'clinical review of the response' }, 'physician')],
      [maintenance ? 3 : 0, () => send('checkIn.recorded', { mode: 'phone' }, 'nurse')],
      [maintenance ? 1 : 0, () => send('maintenance.ended', { reason: 'stable remission' }, 'physician')],
      [2, () => send('safety.signalReported', { signal: r.pick(['suicidality', 'pregnancy', 'psychotic-symptoms']) }, 'therapist')],
    ])();
  }
  if (w.now > due + grace * MIN) return advance(r.int(1, 30) * MIN, 'the no-show is due');
  return r.weighted<() => Step>([
    [85, () => send('session.checkedIn', {}, isHome(w.route) ? 'patient' : r.pick(['coordinator', 'nurse']))],
    [5, () => advance(due + (grace + r.int(1, 60)) * MIN - w.now, 'no check-in')],
    [4, reschedule],
    [3, () => send('session.cancelled', { reason: 'patient unwell' }, 'nurse')],
  ])();
}

function missedReviewStep(w: World, r: Rand): Step {
  const maintenance = /maintenance/.test(w.view.stateLabel);
  if (r.chance(0.6)) return send('session.missedReviewed', { worsening: false, decision: 'keep-schedule' }, 'physician');
  const nextSessionAt = iso(nextOpenSlot(w.now, r.int(1, 3), w.calendar));
  return send(
    'session.missedReviewed',
    { worsening: true, decision: 'return-to-previous-schedule', nextSessionAt, ...(maintenance && r.chance(0.8) ? { everyDays: 7 } : {}) },
    'physician',
  );
}

function preDoseStep(w: World, r: Rand): Step {
  const ep = openEpisode(w.journal);
  const m = w.model.routes[w.route];
  const staff = sessionStaff(w.route);
  const now = w.now;
  const rec = preDoseRecords(ep?.entries ?? [], m.preDoseBpLimit);
  const { foodHours, liquidMinutes, nasalSteroidOrDecongestantMinutes: nasalMinutes } = m.fasting;
  const missing: Step[] = [];
  if (rec.fasting.length === 0) {
    missing.push(
      send(
        'predose.fastingConfirmed',
        {
          lastFoodAt: iso(now - (foodHours * 60 + r.int(10, 200)) * MIN),
          lastLiquidAt: iso(now - (liquidMinutes + r.int(10, 90)) * MIN),
          ...(nasalMinutes !== null && r.chance(0.3) ? { lastNasalSteroidOrDecongestantAt: iso(now - (nasalMinutes + r.int(10, 130)) * MIN) } : {}),
        },
        staff,
      ),
    );
  }
  if (!isHome(w.route) && !rec.transportPositive) {
    missing.push(send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: r.pick(['car-driven-by-adult', 'taxi-with-adult']) }, r.pick(['coordinator', 'nurse'])));
  }
  if (isHome(w.route) && !rec.trustedAdultPositive) {
    missing.push(send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient'));
  }
  const limit = m.preDoseBpLimit;
  const normalBp = () =>
    send('predose.vitalsRecorded', { systolic: r.int(112, Math.min(136, limit.systolic - 2)), diastolic: r.int(68, Math.min(86, limit.diastolic - 2)), heartRate: r.int(60, 95), spo2: r.int(95, 99) }, staff);
  const lastBp = rec.bpReadings.at(-1);
  const staleBp = lastBp !== undefined && now - ms(lastBp.at) > (m.preDoseVitalsMaxAgeMinutes - 10) * MIN;
  if (rec.bpReadings.length === 0 || (staleBp && !rec.bpUnoverridden)) {
    missing.push(
      r.chance(0.15) ? send('predose.vitalsRecorded', { systolic: limit.systolic + r.int(2, 25), diastolic: r.int(limit.diastolic - 2, limit.diastolic + 10), heartRate: r.int(60, 95), spo2: r.int(95, 99) }, staff) : normalBp(),
    );
  } else if (rec.bpUnoverridden) {
    // A physician overrides; or staff re-measure, which must not lift the block.
    missing.push(r.chance(0.65) ? send('predose.bpOverridden', { reason: 'Long-standing white-coat hypertension; benefit outweighs risk' }, 'physician') : normalBp());
  }
  if (rec.contraindicationChecks.length === 0) {
    missing.push(send('predose.contraindicationsChecked', { newFindings: r.chance(0.1) ? [r.pick(['new-medication', 'other'])] : [] }, staff));
  }
  const blocking = rec.unclearedBlocking[0];
  if (blocking) {
    // A physician clears it; or staff re-record the item as fine, which must not lift the block.
    if (r.chance(0.6)) missing.push(send('predose.findingCleared', { reason: 'Reviewed with the patient; no interaction' }, 'physician'));
    else if (blocking.type === 'predose.transportConfirmed') missing.push(send(blocking.type, { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'nurse', { note: 're-recorded as fine' }));
    else if (blocking.type === 'predose.trustedAdultConfirmed') {
      missing.push(send(blocking.type, { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient', { note: 're-recorded as fine' }));
    } else missing.push(send('predose.contraindicationsChecked', { newFindings: [] }, staff, { note: 're-recorded as fine' }));
  }
  if (!rec.medicationsConfirmed && (m.requiresRems || r.chance(0.1))) {
    missing.push(send('predose.medicationsConfirmed', { classes: r.pick([[], ['antidepressant']]), changedSinceLastSession: false }, staff));
  }
  if (missing.length > 0) return r.chance(0.75) ? missing[0]! : r.pick(missing);
  const number = w.view.context.session?.number ?? 1;
  const planned = plannedAmount(w.journal, number) ?? 35;
  const deviation = (ep?.entries ?? []).filter(ofType('predose.doseDeviationApproved')).at(-1);
  if (!deviation && r.chance(0.05)) {
    const amount = m.medication === 'esketamine' ? (number > 1 ? 84 : 56) : planned + 5;
    return send('predose.doseDeviationApproved', { amountMg: amount, reason: 'Prescriber adjusted the dose for this session' }, 'physician');
  }
  if (r.chance(0.3)) return advance(r.int(3, 20) * MIN, 'before the dose');
  const amount = deviation && r.chance(0.7) ? (num(deviation.payload, 'amountMg') ?? planned) : planned;
  return send('dose.recorded', dosePayload(w.route, amount), staff);
}

function dosedStep(w: World, r: Rand): Step {
  const ep = openEpisode(w.journal);
  const dose = ep?.dose;
  if (!ep || !dose) return advance(5 * MIN);
  const m = w.model.routes[w.route];
  const staff = sessionStaff(w.route);
  const now = w.now;
  const since = now - ms(dose.at);
  const after = ep.entries.filter((e) => e.seq > dose.seq);
  const readings = readingsOf(after);
  const last = readings.at(-1);
  const sedation = after
    .filter(ofType('monitoring.sedationRecorded'))
    .map((e) => ({ t: takenAt(e), moaas: num(e.payload, 'moaas') ?? 0 }))
    .sort((a, b) => a.t - b.t)
    .at(-1);
  const elapsed = after.some((e) => e.type === 'session.observationElapsed');
  const cadence = m.vitalsEveryMinutes ?? 15;
  if (!last || now - last.takenAt >= Math.min(10, cadence - 3) * MIN) {
    // Within the discharge limit; settling (not rising) once the observation has elapsed.
    const top = { systolic: Math.min(136, m.discharge.bpLimit.systolic - 1), diastolic: Math.min(86, m.discharge.bpLimit.diastolic - 1) };
    const [up, upDia] = elapsed ? [0, 0] : [4, 3];
    const sys = last ? Math.min(top.systolic, Math.max(108, last.systolic + r.int(-6, up))) : r.int(118, top.systolic - 2);
    const dia = last ? Math.min(top.diastolic, Math.max(64, last.diastolic + r.int(-5, upDia))) : r.int(70, top.diastolic - 2);
    return send('monitoring.vitalsRecorded', { systolic: sys, diastolic: dia, heartRate: r.int(62, 96), spo2: r.int(95, 99) }, staff);
  }
  if (!sedation || (elapsed && sedation.moaas < 5) || (now - sedation.t >= 30 * MIN && sedation.moaas < 5)) {
    return send('monitoring.sedationRecorded', { moaas: since < 45 * MIN ? r.int(3, 5) : 5 }, staff);
  }
  if (m.discharge.requiresDissociationAssessment && !after.some(ofType('monitoring.dissociationRecorded'))) {
    return send('monitoring.dissociationRecorded', { score: r.int(0, 14), form: 'CADSS-6' }, staff);
  }
  if (elapsed) {
    return send(
      'session.discharged',
      { releasedTo: isHome(w.route) ? 'trusted-adult-at-home' : 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true },
      staff,
    );
  }
  return advance(r.int(4, 9) * MIN, 'observation');
}

function responseStep(w: World, r: Rand): Step {
  const c = w.view.context;
  const label = w.view.stateLabel;
  const instrument = primaryInstrument(c);
  if (/awaitingAssessment/.test(label) || !/clinicianDecision/.test(label)) {
    const b = baseline(c, instrument);
    const total = r.chance(0.6) ? Math.floor((b * r.int(0, 45)) / 100) : Math.max(0, b - r.int(0, 3));
    return send('assessment.recorded', { instrument, total }, instrument === 'GAD-7' ? 'patient' : 'nurse');
  }
  return r.weighted<() => Step>([
    [75, () => send('response.decided', { decision: 'maintenance', reason: 'Responder: maintenance agreed with the patient', everyDays: r.pick([7, 14, 21, 28]) }, 'physician')],
    [8, () => send('response.decided', { decision: 'maintenance', reason: 'Responder: maintenance agreed with the patient' }, 'physician')],
    [
      10,
      () =>
        send(
          'response.decided',
          { decision: 'extend-induction', reason: 'Partial response', additionalSessions: r.int(1, 2), firstSessionAt: iso(nextOpenSlot(w.now, r.int(2, 5), w.calendar)) },
          'physician',
        ),
    ],
    [4, () => send('response.decided', { decision: 'discontinue', reason: 'No response after induction' }, 'physician')],
  ])();
}

function holdStep(w: World, r: Rand): Step {
  return r.weighted<() => Step>([
    [70, () => send('hold.reviewed', { decision: 'resume', reason: 'Reviewed: safe to continue', nextSessionAt: iso(nextOpenSlot(w.now, r.int(2, 5), w.calendar)) }, 'physician')],
    [8, () => send('hold.reviewed', { decision: 'resume', reason: 'Reviewed: safe to continue' }, 'physician')],
    [10, () => send('hold.reviewed', { decision: 'discontinue', reason: 'Reviewed: stop treatment' }, 'physician')],
    [12, () => advance(r.int(1, 3) * DAY, 'waiting for the review')],
  ])();
}

function backgroundStep(w: World, r: Rand): Step | null {
  const c = w.view.context;
  const options: (readonly [number, () => Step])[] = [];
  if (c.therapy.linkedAt === null) options.push([3, () => send('therapy.linked', { therapistRef: 'therapist-42', modality: 'cbt' }, 'coordinator')]);
  else options.push([2, () => send('therapy.sessionAttended', { attendedAt: iso(w.now - r.int(0, 2) * DAY) }, 'therapist')]);
  const pending = c.rems.forms.filter((f) => f.submitted === null);
  if (pending.length > 0 && c.session === null) {
    options.push([6, () => send('rems.formSubmitted', { sessionNumber: r.pick(pending).sessionNumber, submissionRef: `RF-${w.log.length}` }, 'coordinator')]);
  }
  return options.length === 0 ? null : r.weighted(options)();
}

function plausible(w: World, r: Rand): Step {
  const label = w.view.stateLabel;
  if (w.consecutiveRefusals >= 3) {
    // Stuck (the journey keeps refusing what the clinic tries): time passes, or a transfer ends a dosed session.
    if (DOSED.test(label) && r.chance(0.3)) {
      return send('session.escalated', { destination: 'emergency-department', reference: 'ED-2027-0042', reason: 'Not fit for discharge' }, 'physician', { wellFormed: true });
    }
    return r.chance(0.5) ? fromAllowed(w, r) : advance(r.int(5, 90) * MIN, 'stuck');
  }
  if (label === 'referral') return send('referral.accepted', {}, 'coordinator');
  if (/intake\.(screening|physicianReview)/.test(label)) return screeningStep(w, r);
  if (/intake\.planning/.test(label)) return planningStep(w, r);
  if (/AwaitingRemsForms/.test(label)) return backgroundStep(w, r) ?? advance(DAY);
  if (r.chance(0.06)) {
    const bg = backgroundStep(w, r);
    if (bg) return bg;
  }
  if (PRE_DOSE.test(label)) return preDoseStep(w, r);
  if (DOSED.test(label)) return dosedStep(w, r);
  if (WAITING.test(label)) return waitingStep(w, r);
  if (MISSED_REVIEW.test(label)) return missedReviewStep(w, r);
  if (/responseReview/.test(label)) return responseStep(w, r);
  if (ON_HOLD.test(label)) return holdStep(w, r);
  return fromAllowed(w, r);
}

/** Any event the view says is allowed now, with a sample payload. */
function fromAllowed(w: World, r: Rand): Step {
  const allowed = w.view.allowedEvents;
  if (allowed.length === 0) return advance(r.int(1, 120) * MIN);
  const type = r.pick(allowed);
  const roles = ROLE_TABLE[type] ?? ['physician'];
  return send(type, samplePayload(type, w, r), r.pick(roles) as ActorName);
}

// ------------------------------------------------------------------ hostile steps

const HOLD_SIGNALS = ['serious-adverse-event', 'suicidality', 'pregnancy', 'psychotic-symptoms'] as const;

export function samplePayload(type: string, w: World, r: Rand): Record<string, unknown> {
  const now = w.now;
  const c = w.view.context;
  const sample: Record<string, () => Record<string, unknown>> = {
    'referral.accepted': () => ({}),
    'referral.declined': () => ({ reason: 'Out of the clinic area' }),
    'consultation.recorded': () => ({ kind: 'follow-up', mode: 'video' }),
    'assessment.recorded': () =>
      r.pick([
        { instrument: 'GAD-7', total: r.int(0, 21) },
        { instrument: 'PHQ-9', total: 12, item9: r.int(0, 3) },
        { instrument: 'C-SSRS', risk: r.pick(['none', 'low', 'moderate', 'high']) },
      ]),
    'screening.contraindicationsRecorded': () => ({ answers: { ...NO_CONTRAINDICATIONS, ...(r.chance(0.5) ? { 'open-globe-injury': true } : {}) } }),
    'screening.vitalsRecorded': () => ({ systolic: 124, diastolic: 80, heartRate: 70 }),
    'screening.medicationsReviewed': () => ({ classes: [] }),
    'screening.selfReferralReviewed': () => ({ method: 'second-consultation' }),
    'eligibility.decided': () => ({ outcome: r.pick(['eligible', 'physician-review', 'ineligible']), reasons: ['Reviewed by the team'] }),
    'consent.recorded': () => ({ formVersion: 'KET-CONSENT-4' }),
    'rems.enrolled': () => ({ enrolmentRef: 'REMS-2' }),
    'plan.recorded': () => {
      const route = r.pick(ROUTES);
      return planPayload(route, r, r.chance(0.5), w.model.routes[route]);
    },
    'induction.started': () => ({ firstSessionAt: iso(nextOpenSlot(now, 1, w.calendar)) }),
    'session.rescheduled': () => ({ sessionNumber: r.int(1, 4), to: iso(now + r.int(-2, 5) * DAY), reason: 'Moved by the clinic' }),
    'session.cancelled': () => ({ reason: 'Clinic closed' }),
    'session.missedReviewed': () => ({ worsening: r.chance(0.5), decision: 'keep-schedule' }),
    'session.checkedIn': () => ({}),
    'predose.fastingConfirmed': () => ({ lastFoodAt: iso(now - r.int(0, 300) * MIN), lastLiquidAt: iso(now - r.int(0, 120) * MIN) }),
    'predose.transportConfirmed': () => ({ responsibleAdultConfirmed: r.chance(0.5), mode: 'taxi-with-adult' }),
    'predose.trustedAdultConfirmed': () => ({
      aged18OrOver: r.chance(0.8),
      presentWholeSession: r.chance(0.8),
      withinVoiceRange: r.chance(0.8),
      canCallCareTeamOrEmergency: r.chance(0.8),
    }),
    'predose.vitalsRecorded': () => ({ systolic: r.int(100, 170), diastolic: r.int(60, 105), heartRate: 80, spo2: 97 }),
    'predose.bpOverridden': () => ({ reason: 'Benefit outweighs risk' }),
    'predose.contraindicationsChecked': () => ({ newFindings: r.pick([[], ['new-medication'], ['other'], ['pregnancy'], ['psychotic-symptoms']]) }),
    'predose.findingCleared': () => ({ reason: 'Reviewed, no interaction' }),
    'predose.medicationsConfirmed': () => ({ classes: r.pick([[], ['benzodiazepine']]), changedSinceLastSession: r.chance(0.2) }),
    'predose.doseDeviationApproved': () => ({ amountMg: r.pick([28, 56, 84, 112, 35, 40]), reason: 'Prescriber adjusted the dose' }),
    'dose.recorded': () => dosePayload(w.route, r.pick([28, 56, 84, 112, 168, 35, 40, 100])),
    'monitoring.vitalsRecorded': () => ({ systolic: r.int(100, 190), diastolic: r.int(60, 115), heartRate: r.int(60, 130), spo2: r.int(88, 99) }),
    'monitoring.sedationRecorded': () => ({ moaas: r.int(0, 5) }),
    'monitoring.dissociationRecorded': () => ({ score: r.int(0, 20), form: 'CADSS-6' }),
    'monitoring.adverseEventRecorded': () => ({
      term: r.pick(['nausea', 'dissociation', 'raised-blood-pressure', 'respiratory-depression']),
      severity: r.pick(['mild', 'moderate', 'severe']),
      serious: r.chance(0.3),
    }),
    'session.discharged': () => ({
      releasedTo: r.pick(['responsible-adult', 'trusted-adult-at-home']),
      alertAndOriented: r.chance(0.8),
      noDrivingAdviceGiven: r.chance(0.8),
    }),
    'session.aborted': () => ({ reason: 'Patient asked to stop' }),
    'session.escalated': () => ({ destination: r.pick(['emergency-department', 'ems', 'inpatient-admission']), reference: 'ED-4471', reason: 'Persistent hypertension' }),
    'response.decided': () =>
      r.pick([
        { decision: 'maintenance', reason: 'Responder', everyDays: 14 },
        { decision: 'maintenance', reason: 'Responder' },
        { decision: 'discontinue', reason: 'No response' },
      ]),
    'maintenance.cadenceChanged': () => ({ everyDays: r.int(1, 30), reason: 'Clinical review' }),
    'checkIn.recorded': () => ({ mode: 'phone' }),
    'maintenance.ended': () => ({ reason: 'Stable remission' }),
    'safety.signalReported': () => ({ signal: r.pick(HOLD_SIGNALS) }),
    'hold.reviewed': () =>
      r.pick([
        { decision: 'resume', reason: 'Reviewed', nextSessionAt: iso(nextOpenSlot(now, 2, w.calendar)) },
        { decision: 'resume', reason: 'Reviewed' },
        { decision: 'discontinue', reason: 'Reviewed' },
      ]),
    'treatment.discontinued': () => ({ reason: 'Patient preference' }),
    'journey.withdrawn': () => ({}),
    'therapy.linked': () => ({ therapistRef: 'th-1', modality: 'cbt' }),
    'therapy.sessionAttended': () => ({ attendedAt: iso(now - r.int(-1, 5) * DAY) }),
    'therapy.ended': () => ({ reason: 'Goals met' }),
    'rems.formSubmitted': () => ({ sessionNumber: r.int(1, 4), submissionRef: 'RF-1' }),
  };
  return (sample[type] ?? (() => ({ sessionNumber: c.session?.number ?? 1 })))();
}

const ALL_TYPES = [...Object.keys(ROLE_TABLE), ...TIMER_EVENTS, 'made.up'];
const ALL_ACTORS: ActorName[] = ['coordinator', 'nurse', 'physician', 'therapist', 'patient', 'system', 'stranger'];

function preDoseAttack(w: World, r: Rand): Step | null {
  if (!PRE_DOSE.test(w.view.stateLabel)) return null;
  const m = ROUTE_MODEL[w.route];
  const staff = sessionStaff(w.route);
  const now = w.now;
  const number = w.view.context.session?.number ?? 1;
  const planned = plannedAmount(w.journal, number) ?? 35;
  return r.weighted<() => Step>([
    [4, () => send('dose.recorded', dosePayload(w.route, planned), staff, { note: 'dose now, whatever is missing' })],
    [3, () => send('predose.contraindicationsChecked', { newFindings: [] }, r.pick(['nurse', 'patient']), { note: 're-record the check as clear' })],
    [2, () => send('predose.transportConfirmed', { responsibleAdultConfirmed: false, mode: 'public-transport-with-adult' }, 'nurse', { note: 'negative confirmation' })],
    [
      2,
      () =>
        send(
          'predose.trustedAdultConfirmed',
          { aged18OrOver: true, presentWholeSession: false, withinVoiceRange: true, canCallCareTeamOrEmergency: true },
          r.pick(['patient', 'nurse']),
          { note: 'trusted adult not present the whole session' },
        ),
    ],
    [
      2,
      () =>
        send(
          'predose.fastingConfirmed',
          { lastFoodAt: iso(now - 4 * HOUR), lastLiquidAt: iso(now - 2 * HOUR), ...(r.chance(0.5) ? { lastNasalSteroidOrDecongestantAt: iso(now - r.int(5, 50) * MIN) } : {}) },
          staff,
          { note: 'fasting re-sent' },
        ),
    ],
    [2, () => send('predose.vitalsRecorded', { systolic: r.pick([126, 158, 141]), diastolic: r.pick([80, 98, 91]), heartRate: 72, spo2: 98 }, staff, { note: 're-recorded BP' })],
    [
      3,
      () => {
        const amount = r.pick(
          m.medication === 'esketamine' ? [28, 84, 112, 140, 168] : [planned + 7, planned * 2, Math.max(1, planned - 10)],
        );
        const payload = dosePayload(w.route, amount);
        if (m.mgPerDevice !== null && r.chance(0.3)) payload['devices'] = (num(payload, 'devices') ?? 2) + 1;
        return send('dose.recorded', payload, staff, { note: 'off-plan dose' });
      },
    ],
    [1, () => send('dose.recorded', { ...dosePayload(w.route, planned), medication: m.medication === 'esketamine' ? 'racemic-ketamine' : 'esketamine' }, staff, { note: 'wrong medication' })],
    [1, () => send('dose.recorded', { ...dosePayload(w.route, planned), administration: 'self-administered-at-home' }, 'patient', { note: 'patient dose' })],
    [1, () => send('predose.contraindicationsChecked', { newFindings: [r.pick(['pregnancy', 'psychotic-symptoms'])] }, 'nurse', { note: 'hold finding' })],
    [1, () => send('predose.bpOverridden', { reason: 'Override without a high reading' }, 'physician')],
    [1, () => send('predose.findingCleared', { reason: 'Cleared by a nurse' }, 'nurse')],
    [1, () => send('predose.doseDeviationApproved', { amountMg: planned * 3, reason: 'Deviation by a nurse' }, 'nurse')],
  ])();
}

function dosedAttack(w: World, r: Rand): Step | null {
  if (!DOSED.test(w.view.stateLabel)) return null;
  const ep = openEpisode(w.journal);
  const doseAt = ep?.dose ? ms(ep.dose.at) : w.now;
  const staff = sessionStaff(w.route);
  const now = w.now;
  const skewed = (minutes: number) => iso(now + minutes * MIN);
  const between = () => iso(doseAt + Math.floor((now - doseAt) * (r.int(1, 9) / 10)));
  return r.weighted<() => Step>([
    [3, () => send('monitoring.vitalsRecorded', { systolic: 158, diastolic: 98, heartRate: 88, spo2: 97, takenAt: skewed(w.model.readingSkewMinutes + r.int(1, 120)) }, staff, { note: 'taken in the future' })],
    [2, () => send('monitoring.vitalsRecorded', { systolic: 124, diastolic: 78, heartRate: 70, spo2: 98, takenAt: skewed(r.int(0, w.model.readingSkewMinutes)) }, staff, { note: 'within the skew' })],
    [2, () => send('monitoring.vitalsRecorded', { systolic: 126, diastolic: 80, heartRate: 72, spo2: 98, takenAt: iso(doseAt - r.int(1, 60) * MIN) }, staff, { note: 'before the dose' })],
    [3, () => send('monitoring.vitalsRecorded', { systolic: 210, diastolic: 125, heartRate: 95, spo2: 96, takenAt: between() }, staff, { note: 'back-dated stop-rule reading', wellFormed: true })],
    [2, () => send('monitoring.vitalsRecorded', { systolic: r.pick([185, 205]), diastolic: r.pick([100, 112, 122]), heartRate: r.pick([90, 125, 140]), spo2: 96 }, staff, { note: 'high reading' })],
    [3, () => send('session.discharged', { releasedTo: ROUTE_MODEL[w.route].setting === 'home' ? 'trusted-adult-at-home' : 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, staff, { note: 'discharge now' })],
    [1, () => send('session.discharged', { releasedTo: r.pick(['responsible-adult', 'trusted-adult-at-home']), alertAndOriented: r.chance(0.5), noDrivingAdviceGiven: r.chance(0.5) }, staff)],
    [1, () => send('monitoring.vitalsRecorded', { systolic: 120, diastolic: 80, heartRate: 70, spo2: 98 }, 'patient', { note: 'patient reading' })],
    [1, () => send('monitoring.sedationRecorded', { moaas: 5, takenAt: skewed(r.int(3, 90)) }, staff, { note: 'sedation in the future' })],
    [1, () => send('monitoring.sedationRecorded', { moaas: r.pick([0, 5]) }, r.pick(['patient', 'nurse']))],
    [1, () => send('session.cancelled', { reason: 'Cancel a dosed session' }, 'nurse')],
    [1, () => send('dose.recorded', dosePayload(w.route, plannedAmount(w.journal, w.view.context.session?.number ?? 1) ?? 35), staff, { note: 'second dose' })],
    [1, () => send('predose.contraindicationsChecked', { newFindings: [] }, staff, { note: 'pre-dose record after the dose' })],
    // The repeated-BP and heart-rate stop rules need two readings minutes apart: one back-dated, one now.
    [
      2,
      () =>
        send(
          'monitoring.vitalsRecorded',
          { systolic: 186, diastolic: 112, heartRate: 132, spo2: 96, takenAt: iso(Math.max(doseAt, now - r.int(3, 8) * MIN)) },
          staff,
          { note: 'back-dated high reading' },
        ),
    ],
    [2, () => send('monitoring.vitalsRecorded', { systolic: 184, diastolic: 114, heartRate: 131, spo2: 96 }, staff, { note: 'high reading now' })],
  ])();
}

/** Events that stop dosing, hold or end treatment: plausible anywhere, decisive while dosed. */
function disruptive(w: World, r: Rand): Step {
  const staff = sessionStaff(w.route);
  return r.weighted<() => Step>([
    [3, () => send('safety.signalReported', { signal: r.pick(HOLD_SIGNALS) }, r.pick(['nurse', 'physician', 'therapist', 'patient']), { wellFormed: true })],
    [2, () => send('monitoring.adverseEventRecorded', { term: 'respiratory-depression', severity: 'severe', serious: true }, staff, { wellFormed: true })],
    [2, () => send('monitoring.adverseEventRecorded', { term: 'nausea', severity: 'mild', serious: false }, staff, { wellFormed: true })],
    [2, () => send('session.aborted', { reason: 'Patient distressed; stopping the session' }, r.pick(['nurse', 'physician']), { wellFormed: true })],
    [2, () => send('session.escalated', { destination: r.pick(['emergency-department', 'ems']), reference: 'ED-2027-0042', reason: 'Hypertension not settling' }, 'physician', { wellFormed: true })],
    [1, () => send('treatment.discontinued', { reason: 'Patient moves away' }, 'physician', { wellFormed: true })],
    [1, () => send('journey.withdrawn', r.chance(0.5) ? {} : { reason: 'Changed mind' }, r.pick(['patient', 'coordinator']), { wellFormed: true })],
    [1, () => send('assessment.recorded', { instrument: 'PHQ-9', total: 14, item9: 2 }, 'patient', { wellFormed: true })],
    [1, () => send('assessment.recorded', { instrument: 'C-SSRS', risk: 'high' }, 'physician', { wellFormed: true })],
  ])();
}

function decisionAttack(w: World, r: Rand): Step {
  const now = w.now;
  return r.weighted<() => Step>([
    [2, () => send('response.decided', { decision: 'maintenance', reason: 'Responder' }, 'physician', { note: 'no cadence' })],
    [1, () => send('response.decided', { decision: 'maintenance', reason: 'Responder', everyDays: 14 }, 'nurse')],
    [2, () => send('hold.reviewed', { decision: 'resume', reason: 'Reviewed' }, 'physician', { note: 'no nextSessionAt' })],
    [1, () => send('hold.reviewed', { decision: 'resume', reason: 'Reviewed', nextSessionAt: iso(nextOpenSlot(now, 2, w.calendar)) }, 'nurse')],
    [1, () => send('hold.reviewed', { decision: 'resume', reason: 'Reviewed', nextSessionAt: iso(nextClosedSlot(now, 1, w.calendar)) }, 'physician', { note: 'closed day' })],
    [1, () => send('eligibility.decided', { outcome: 'eligible', reasons: [] }, r.pick(['nurse', 'system']))],
    [1, () => send('eligibility.decided', { outcome: 'ineligible', reasons: ['Absolute contraindication'] }, 'nurse')],
    [1, () => send('session.missedReviewed', { worsening: false, decision: 'return-to-previous-schedule', nextSessionAt: iso(now + 2 * DAY) }, 'physician')],
    [1, () => send('maintenance.cadenceChanged', { everyDays: 3, reason: 'By a nurse' }, 'nurse')],
    [
      1,
      () =>
        send('session.missedReviewed', { worsening: true, decision: 'return-to-previous-schedule', nextSessionAt: iso(nextClosedSlot(now, 1, w.calendar)) }, 'physician', {
          note: 'closed day',
        }),
    ],
    [
      1,
      () =>
        send(
          'response.decided',
          { decision: 'extend-induction', reason: 'Partial response', additionalSessions: 2, firstSessionAt: iso(nextClosedSlot(now, 1, w.calendar)) },
          'physician',
          { note: 'closed day' },
        ),
    ],
  ])();
}

function scheduleAttack(w: World, r: Rand): Step {
  const now = w.now;
  const next = nextPlanned(w.view.context);
  return r.weighted<() => Step>([
    [2, () => send('session.rescheduled', { sessionNumber: next?.number ?? 1, to: iso(nextClosedSlot(now, 1, w.calendar)), reason: 'Moved to a closed day' }, 'coordinator')],
    [1, () => send('session.rescheduled', { sessionNumber: next?.number ?? 1, to: iso(now - HOUR), reason: 'Moved to the past' }, 'coordinator')],
    [1, () => send('induction.started', { firstSessionAt: iso(nextClosedSlot(now, 1, w.calendar)) }, 'coordinator', { note: 'closed day' })],
    [1, () => send('induction.started', { firstSessionAt: iso(now - 3 * DAY) }, 'coordinator', { note: 'past' })],
    [1, () => send('session.checkedIn', {}, r.pick(['coordinator', 'patient']), { note: 'check-in whenever' })],
    // Soon after a dose: the next session moved to the next open morning, maybe within the minimum interval.
    [2, () => send('session.rescheduled', { sessionNumber: next?.number ?? 1, to: iso(nextOpenSlot(now, 1, w.calendar, '08:00')), reason: 'Patient asked for an earlier slot' }, 'coordinator')],
  ])();
}

function instrumentAttack(w: World, r: Rand): Step {
  return send(
    'assessment.recorded',
    r.pick([
      { instrument: 'PHQ-9', total: 27, item9: 0 },
      { instrument: 'PHQ-9', total: 25, item9: 0 },
      { instrument: 'PHQ-9', total: 2, item9: 3 },
      { instrument: 'GAD-7', total: 22 },
      { instrument: 'LSAS', total: 145 },
      { instrument: 'C-SSRS', risk: 'high', total: 3 },
      { instrument: 'GAD-7', total: -1 },
      { instrument: 'HAM-A', total: 57 },
    ]),
    r.pick(['patient', 'nurse']),
    { note: 'inconsistent instrument' },
  );
}

function boundaryAttack(w: World, r: Rand): Step {
  const staff = sessionStaff(w.route);
  const type = r.pick(['monitoring.vitalsRecorded', 'predose.vitalsRecorded']);
  return send(
    type,
    {
      systolic: r.pick([39, 40, 300, 301]),
      diastolic: r.pick([19, 20, 200, 201]),
      heartRate: r.pick([19, 20, 250, 251]),
      spo2: r.pick([49, 50, 100, 101]),
    },
    staff,
    { note: 'boundary numbers' },
  );
}

function randomEvent(w: World, r: Rand): Step {
  const type = r.pick(ALL_TYPES);
  const payload = samplePayload(type, w, r);
  if (r.chance(0.1)) payload['patientName'] = 'Jane Doe';
  return send(type, payload, r.pick(ALL_ACTORS), { note: 'random' });
}

function hostile(w: World, r: Rand): Step {
  const options: (readonly [number, () => Step | null])[] = [
    [10, () => randomEvent(w, r)],
    [8, () => preDoseAttack(w, r)],
    [12, () => dosedAttack(w, r)],
    [5, () => disruptive(w, r)],
    [4, () => decisionAttack(w, r)],
    [3, () => scheduleAttack(w, r)],
    [2, () => instrumentAttack(w, r)],
    [2, () => boundaryAttack(w, r)],
  ];
  const chosen = r.weighted(options)();
  return chosen ?? randomEvent(w, r);
}

function timeStep(w: World, r: Rand): Step {
  const nextTimer = w.timers[0];
  return r.weighted<() => Step>([
    [40, () => advance(r.int(1, 15) * MIN)],
    [25, () => advance(r.int(30, 300) * MIN)],
    [nextTimer ? 20 : 0, () => advance((nextTimer?.dueAt ?? w.now) - w.now + r.int(0, 5) * MIN, 'to the next timer')],
    [15, () => advance(r.int(1, 3) * DAY)],
  ])();
}

/** The next step of a walk. */
export function nextStep(w: World, r: Rand): Step {
  const ended = w.view.status !== 'active';
  const keys = [...w.keys.keys()];
  const mode = r.weighted<'plausible' | 'hostile' | 'time' | 'idem' | 'pair'>([
    [ended ? 0 : 72, 'plausible'],
    [ended ? 70 : 17, 'hostile'],
    [ended ? 20 : 7, 'time'],
    [keys.length > 0 ? (ended ? 10 : 4) : 0, 'idem'],
    [ended ? 0 : 2, 'pair'],
  ]);
  switch (mode) {
    case 'pair': {
      // Two events at once: what the clinic does next, and a hostile or disruptive one.
      const first = plausible(w, r);
      const second = r.chance(0.5) ? disruptive(w, r) : hostile(w, r);
      if (first.kind !== 'send' || second.kind !== 'send') return first;
      return { kind: 'pair', first, second };
    }
    case 'plausible':
      return plausible(w, r);
    case 'hostile':
      return hostile(w, r);
    case 'time':
      return timeStep(w, r);
    case 'idem':
      return { kind: 'resend', key: r.pick(keys), variant: r.weighted([[40, 'same'], [25, 'payload'], [20, 'actor'], [15, 'type']] as const) };
  }
}
