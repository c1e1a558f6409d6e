// Model-based tests with xstate/graph: the journey's statechart is traversed with concrete sample
// events (bounded by an abstraction of the context), and the clinical safety invariants are
// checked on every transition the traversal takes and on every state of every shortest path.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { getShortestPaths, getSimplePaths, getStateNodes } from 'xstate/graph';
import { ketamineAnxietyJourney, ketamineProtocolSchema, type KetamineJourneyContext, type KetamineRoute } from '../../src/index.js';

const machine = ketamineAnxietyJourney.machine as AnyStateMachine;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

type Ev = { type: string; at: number; actor: { id: string; role: string }; [key: string]: unknown };
type Snap = Omit<AnyMachineSnapshot, 'context'> & { context: KetamineJourneyContext };

// A small protocol keeps the graph bounded: two induction sessions per route.
const protocol = ketamineProtocolSchema.parse({
  timeZone: 'UTC',
  acceptUnconfirmedDefaults: true,
  // Every day open, so generated dates stay where the samples expect them.
  clinicDays: [1, 2, 3, 4, 5, 6, 7],
  routes: {
    // The vitals cadence has its own tests; here it would only multiply the states.
    iv: { induction: [{ weeks: 1, days: [0, 2] }], monitoring: { vitalsEveryMinutes: null } },
    'esketamine-nasal': { induction: [{ weeks: 1, days: [0] }, { weeks: 1, days: [0] }] },
    'sublingual-home': { induction: [{ weeks: 1, days: [0] }] },
  },
});

const input = (source: 'professional' | 'self' = 'professional') => ({
  patientRef: 'pt-model',
  startedAt: T0,
  actor: { id: 'c', role: 'coordinator' },
  data: { referral: { source, indication: 'generalized-anxiety' as const } },
  protocol,
});

const ev = (type: string, role: string, at: number, payload: Record<string, unknown> = {}): Ev => ({ type, ...payload, at, actor: { id: `${role}-1`, role } });

/** "Now" in a context: the latest time anything was recorded. */
function clock(c: KetamineJourneyContext): number {
  let latest = Date.parse(c.startedAt);
  const visit = (value: unknown, key: string): void => {
    if (key === 'protocol' || key === 'schedule') return;
    if ((key === 'at' || key === 'takenAt') && typeof value === 'string') latest = Math.max(latest, Date.parse(value));
    else if (Array.isArray(value)) value.forEach((v) => visit(v, ''));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(c, '');
  return latest;
}

const NO_CONTRAINDICATIONS = Object.fromEntries(Object.keys(protocol.contraindicationClasses).map((k) => [k, false]));

/** Every event type the active states have a transition for. */
function handled(s: Snap): Set<string> {
  const nodes = (s as unknown as { _nodes: { transitions: Map<string, unknown> }[] })._nodes;
  return new Set(nodes.flatMap((n) => [...n.transitions.keys()]));
}

function routeOf(c: KetamineJourneyContext): KetamineRoute | null {
  return c.plan?.route ?? null;
}

/**
 * Concrete sample events for a snapshot, with times derived from the context. Steps of a
 * checklist are offered in a fixed order (the next missing one, with its bad variants), while the
 * events that must be refused (a dose, a discharge, an eligibility decision, the start of
 * induction) are offered at every step: the order of independent records does not matter to the
 * rules, and offering it keeps the traversal bounded. Irregular events (a hold, a missed or
 * aborted session) are offered once per path.
 */
function samples(s: Snap, routes: readonly KetamineRoute[]): Ev[] {
  const c = s.context;
  const now = clock(c);
  const types = handled(s);
  const route = routeOf(c);
  const home = route === 'sublingual-home';
  const staff = home ? 'patient' : 'nurse';
  const out: Ev[] = [];
  const add = (type: string, role: string, at: number, payload: Record<string, unknown> = {}) => out.push(ev(type, role, at, payload));
  const t = now + MIN;

  // Referral and intake: the screening checklist in order; decisions at every step.
  add('referral.accepted', 'coordinator', t);
  add('referral.declined', 'coordinator', t, { reason: 'out of area' });
  const baseline = (i: string) => c.assessments.some((a) => a.phase === 'baseline' && a.instrument === i);
  const screening: [string, string, Record<string, unknown>][] = [];
  if (c.intake.consultations.length === 0) screening.push(['consultation.recorded', 'physician', { kind: 'initial', mode: 'video' }]);
  else if (!baseline('GAD-7')) screening.push(['assessment.recorded', 'patient', { instrument: 'GAD-7', total: 16 }]);
  else if (!baseline('PHQ-9')) screening.push(['assessment.recorded', 'patient', { instrument: 'PHQ-9', total: 10, item9: 0 }]);
  else if (!c.intake.contraindications) {
    screening.push(['screening.contraindicationsRecorded', 'nurse', { answers: NO_CONTRAINDICATIONS }]);
    screening.push(['screening.contraindicationsRecorded', 'nurse', { answers: { ...NO_CONTRAINDICATIONS, 'aneurysmal-vascular-disease': true } }]);
  } else if (!c.intake.baselineVitals) screening.push(['screening.vitalsRecorded', 'nurse', { systolic: 122, diastolic: 80, heartRate: 70 }]);
  else if (!c.intake.medications) screening.push(['screening.medicationsReviewed', 'physician', { classes: [] }]);
  else if (c.referral.extraScreeningRequired && !c.intake.extraScreening) screening.push(['screening.selfReferralReviewed', 'physician', { method: 'second-consultation' }]);
  for (const [type, role, payload] of screening) add(type, role, t, payload);
  add('eligibility.decided', 'physician', t, { outcome: 'eligible', reasons: [] });
  add('eligibility.decided', 'nurse', t, { outcome: 'eligible', reasons: [] });
  add('eligibility.decided', 'nurse', t, { outcome: 'physician-review', reasons: ['relative contraindication'] });
  add('eligibility.decided', 'physician', t, { outcome: 'ineligible', reasons: ['absolute contraindication'] });
  if (!c.intake.consent) add('consent.recorded', 'physician', t, { formVersion: 'v1' });
  else if (!c.plan) for (const r of routes) add('plan.recorded', 'physician', t, { route: r, dosePlan: planFor(r) });
  else if (!c.intake.remsEnrolment && c.plan.route === 'esketamine-nasal') add('rems.enrolled', 'coordinator', t, { enrolmentRef: 'REMS-1' });
  add('induction.started', 'coordinator', t, { firstSessionAt: iso(now + 7 * DAY) });
  add('journey.withdrawn', 'patient', t);

  // Treatment. One irregular event per path: a hold, a missed, cancelled or aborted session.
  const irregular =
    c.holds.length > 0 ||
    c.hold !== null ||
    c.pendingEnding !== null ||
    (c.session?.stopped ?? null) !== null ||
    c.schedule.some((x) => ['missed', 'cancelled', 'aborted', 'transferred'].includes(x.status));
  const next = c.schedule.filter((x) => x.status === 'planned').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  const session = c.session;
  if (next) {
    add('session.checkedIn', home ? 'patient' : 'coordinator', Math.max(now, Date.parse(next.dueAt) - 20 * MIN));
    // A no-show timer that fires too early must be refused; the real one marks the session missed.
    add('session.noShow', 'system', Date.parse(next.dueAt), { sessionNumber: next.number });
    if (!irregular) add('session.noShow', 'system', Date.parse(next.dueAt) + protocol.noShowGraceMinutes * MIN, { sessionNumber: next.number });
  }
  if (!irregular) {
    add('safety.signalReported', 'therapist', t, { signal: 'psychotic-symptoms' });
    if (session) add('session.cancelled', 'coordinator', t, { reason: 'patient unwell' });
  }
  add('hold.reviewed', 'physician', t, { decision: 'resume', reason: 'reviewed', nextSessionAt: iso(now + 2 * DAY) });
  add('hold.reviewed', 'physician', t, { decision: 'resume', reason: 'reviewed' });
  add('hold.reviewed', 'physician', t, { decision: 'discontinue', reason: 'reviewed' });
  add('session.missedReviewed', 'physician', t, { worsening: false, decision: 'keep-schedule' });
  add('session.missedReviewed', 'physician', t, { worsening: true, decision: 'return-to-previous-schedule', nextSessionAt: iso(now + 2 * DAY) });
  if (s.matches({ care: { clinical: { treatment: { course: { responseReview: 'awaitingAssessment' } } } } })) {
    add('assessment.recorded', 'patient', t, { instrument: 'GAD-7', total: 5 });
    add('assessment.recorded', 'patient', t, { instrument: 'GAD-7', total: 14 });
    if (!irregular) add('assessment.recorded', 'physician', t, { instrument: 'C-SSRS', risk: 'high' });
  }
  add('response.decided', 'physician', t, { decision: 'maintenance', reason: 'partial response', everyDays: 14 });
  if (c.schedule.length < 3) add('response.decided', 'physician', t, { decision: 'extend-induction', reason: 'partial', additionalSessions: 1, firstSessionAt: iso(now + 3 * DAY) });
  add('response.decided', 'physician', t, { decision: 'discontinue', reason: 'no response' });
  add('maintenance.ended', 'physician', t, { reason: 'completed' });
  add('maintenance.reassessmentDue', 'system', now + 28 * DAY);
  if (!session) {
    const pending = c.rems.forms.find((f) => f.submitted === null);
    if (pending) {
      add('rems.formSubmitted', 'nurse', t, { sessionNumber: pending.sessionNumber, submissionRef: `F-${pending.sessionNumber}` });
      if (!c.rems.forms.some((f) => f.overdue)) add('rems.formOverdue', 'system', Date.parse(pending.dueAt), { sessionNumber: pending.sessionNumber });
    }
  }

  if (session && !session.dose) {
    // Pre-dose checks in order, each with a bad variant (at most one bad choice per session);
    // a dose is offered at every step and must be refused until every check has passed.
    const pd = session.preDose;
    const fasting = pd.fasting.at(-1);
    const fastingOk = fasting !== undefined && Date.parse(session.checkedIn.at) - Date.parse(fasting.lastFoodAt) > HOUR;
    const bad =
      (fasting !== undefined && !fastingOk) ||
      pd.blocking.length > 0 ||
      pd.vitals.some((v) => v.systolic > 140);
    const good = (type: string, role: string, payload: Record<string, unknown>) => add(type, role, t, payload);
    const worse = (type: string, role: string, payload: Record<string, unknown>) => {
      if (!bad) add(type, role, t, payload);
    };
    if (pd.fasting.length === 0) {
      good('predose.fastingConfirmed', staff, { lastFoodAt: iso(now - 5 * HOUR), lastLiquidAt: iso(now - 2 * HOUR) });
      worse('predose.fastingConfirmed', staff, { lastFoodAt: iso(now - 30 * MIN), lastLiquidAt: iso(now - 10 * MIN) });
    } else if (pd.transport.length === 0 && pd.trustedAdult.length === 0) {
      good('predose.transportConfirmed', 'nurse', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' });
      worse('predose.transportConfirmed', 'nurse', { responsibleAdultConfirmed: false, mode: 'public-transport-with-adult' });
      good('predose.trustedAdultConfirmed', 'patient', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true });
      worse('predose.trustedAdultConfirmed', 'patient', { aged18OrOver: true, presentWholeSession: false, withinVoiceRange: true, canCallCareTeamOrEmergency: true });
    } else if (pd.vitals.length === 0) {
      good('predose.vitalsRecorded', staff, { systolic: 124, diastolic: 80, heartRate: 70 });
      worse('predose.vitalsRecorded', staff, { systolic: 152, diastolic: 96, heartRate: 70 });
    } else if (pd.contraindicationChecks.length === 0) {
      good('predose.bpOverridden', 'physician', { reason: 'weighed risk and benefit' });
      good('predose.contraindicationsChecked', staff, { newFindings: [] });
      worse('predose.contraindicationsChecked', staff, { newFindings: ['new-medication'] });
      if (!irregular) good('predose.contraindicationsChecked', staff, { newFindings: ['pregnancy'] });
    } else if (pd.medications.length === 0 && route === 'esketamine-nasal') {
      good('predose.medicationsConfirmed', staff, { classes: [], changedSinceLastSession: false });
    } else {
      good('predose.findingCleared', 'physician', { reason: 'no interaction' });
      // Re-recording a check never lifts what blocks the dose.
      if (pd.blocking.some((b) => b.cleared === null)) good('predose.contraindicationsChecked', staff, { newFindings: [] });
    }
    add('dose.recorded', staff, t, doseFor(route));
  }

  if (session?.dose) {
    const doseAt = Date.parse(session.dose.at);
    const obs = session.observationMinutes;
    const afterObs = Math.max(now, doseAt + obs * MIN);
    const readings = session.vitals.length;
    if (readings === 0 && !home) add('monitoring.vitalsRecorded', staff, Math.max(now, doseAt + 40 * MIN), { systolic: 130, diastolic: 84, heartRate: 80, spo2: 97 });
    if (session.observationElapsedAt !== null && readings < 2) add('monitoring.vitalsRecorded', staff, afterObs, { systolic: 126, diastolic: 80, heartRate: 76, spo2: 98 });
    if (session.observationElapsedAt !== null && session.sedation.length === 0) add('monitoring.sedationRecorded', staff, afterObs, { moaas: 5 });
    if (session.observationElapsedAt !== null && session.dissociation.length === 0) add('monitoring.dissociationRecorded', staff, afterObs, { score: 2, form: 'CADSS-6' });
    // A reading from the future is never accepted.
    add('monitoring.vitalsRecorded', staff, t, { systolic: 120, diastolic: 80, heartRate: 70, spo2: 98, takenAt: iso(t + 10 * MIN) });
    if (!irregular) {
      add('monitoring.vitalsRecorded', staff, t, { systolic: 210, diastolic: 125, heartRate: 90, spo2: 97 });
      add('monitoring.adverseEventRecorded', staff, t, { term: 'respiratory-depression', severity: 'severe', serious: true });
      add('session.aborted', 'physician', t, { reason: 'patient request' });
      add('treatment.discontinued', 'physician', t, { reason: 'stop treatment' });
      add('journey.withdrawn', 'patient', t, { reason: 'leaving' });
    }
    if (session.stopped !== null) add('session.escalated', 'physician', t, { destination: 'emergency-department', reference: 'ED-1', reason: 'not settling' });
    if (session.bpChecksDue.length === 0 && !home) add('monitoring.bpCheckDue', 'system', doseAt + 40 * MIN, { sessionNumber: session.number, minute: 40 });
    if (session.observationElapsedAt === null) {
      add('session.observationElapsed', 'system', doseAt + obs * MIN, { sessionNumber: session.number });
      add('session.observationElapsed', 'system', doseAt + 10 * MIN, { sessionNumber: session.number });
    }
    const releasedTo = home ? 'trusted-adult-at-home' : 'responsible-adult';
    add('session.discharged', staff, afterObs + MIN, { releasedTo, alertAndOriented: true, noDrivingAdviceGiven: true });
    add('session.discharged', staff, doseAt + 30 * MIN, { releasedTo, alertAndOriented: true, noDrivingAdviceGiven: true });
    add('session.discharged', staff, afterObs + MIN, { releasedTo: home ? 'responsible-adult' : 'trusted-adult-at-home', alertAndOriented: true, noDrivingAdviceGiven: true });
    add('session.discharged', staff, afterObs + MIN, { releasedTo, alertAndOriented: false, noDrivingAdviceGiven: false });
  }
  return out.filter((e) => types.has(e.type));
}

function planFor(route: KetamineRoute): Record<string, unknown> {
  if (route === 'esketamine-nasal') return { summary: '56 mg', steps: [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }] };
  if (route === 'sublingual-home') return { summary: '100 mg', steps: [{ fromSession: 1, amount: 100, unit: 'mg' }] };
  return { summary: '35 mg', steps: [{ fromSession: 1, amount: 35, unit: 'mg' }] };
}

/** Events of the concurrent-therapy region only. */
function therapySamples(s: Snap): Ev[] {
  const c = s.context;
  const now = clock(c);
  const out: Ev[] = [];
  if (c.therapy.linkedAt === null || s.matches({ care: { therapy: 'ended' } })) out.push(ev('therapy.linked', 'coordinator', now + MIN, { therapistRef: 'th-1', modality: 'cbt' }));
  out.push(ev('therapy.sessionAttended', 'therapist', now + MIN, { attendedAt: iso(now) }));
  out.push(ev('therapy.sessionAttended', 'therapist', now + MIN, { attendedAt: iso(now + DAY) }));
  out.push(ev('therapy.ended', 'therapist', now + MIN, { reason: 'goals met' }));
  const from = [c.therapy.lastAttendedAt, c.therapy.linkedAt].filter((x): x is string => x !== null).map(Date.parse);
  if (from.length > 0) {
    out.push(ev('therapy.lapsed', 'system', Math.max(...from) + protocol.therapy.lapseAfterDays * DAY));
    out.push(ev('therapy.lapsed', 'system', Math.max(...from) + DAY));
  }
  const types = handled(s);
  return out.filter((e) => types.has(e.type));
}

function doseFor(route: KetamineRoute | null): Record<string, unknown> {
  if (route === 'esketamine-nasal') return { medication: 'esketamine', amountMg: 56, devices: 2, lot: 'L', administration: 'self-administered-supervised' };
  if (route === 'sublingual-home') return { medication: 'racemic-ketamine', amountMg: 100, lot: 'L', administration: 'self-administered-at-home' };
  return { medication: 'racemic-ketamine', amountMg: 35, lot: 'L', administration: 'staff-administered' };
}

const cap = (n: number, max: number) => Math.min(n, max);

/** The abstraction that bounds the traversal: what matters for the rules, with counts capped. */
function abstractState(s: Snap): string {
  const c = s.context;
  if (s.status !== 'active') return JSON.stringify({ v: s.value, outcome: c.outcome?.reason.split(':')[0] ?? null });
  const count = (status: string) => c.schedule.filter((x) => x.status === status).length;
  const session = c.session;
  const pd = session?.preDose;
  return JSON.stringify({
    v: s.value,
    intake: [
      cap(c.intake.consultations.length, 1),
      c.assessments.filter((a) => a.phase === 'baseline').map((a) => a.instrument).sort().join(),
      c.intake.contraindications?.present.join() ?? null,
      c.intake.baselineVitals !== null,
      c.intake.medications !== null,
      c.intake.extraScreening !== null,
      c.intake.eligibility?.outcome ?? null,
      c.intake.consent !== null,
      c.intake.remsEnrolment !== null,
      c.plan?.route ?? null,
    ],
    sched: [cap(count('planned'), 1), cap(count('completed'), 2), count('missed') + count('aborted') + count('cancelled') > 0, c.schedule.at(-1)?.phase ?? null],
    session: session
      ? session.dose === null
        ? [
            session.phase,
            pd?.fasting.at(-1) ? Date.parse(session.checkedIn.at) - Date.parse(pd.fasting.at(-1)?.lastFoodAt ?? '') > HOUR : null,
            pd?.transport.at(-1)?.responsibleAdultConfirmed ?? pd?.trustedAdult.at(-1)?.confirmed ?? null,
            pd?.vitals.at(-1) ? (pd.vitals.at(-1)?.systolic ?? 0) > 140 : null,
            cap(pd?.bpOverrides.length ?? 0, 1),
            cap(pd?.contraindicationChecks.length ?? 0, 1),
            pd?.blocking.map((b) => `${b.kind}:${b.cleared !== null}`).join() ?? null,
            cap(pd?.medications.length ?? 0, 1),
          ]
        : [
            session.phase,
            cap(session.vitals.length, 2),
            session.sedation.length > 0,
            session.dissociation.length > 0,
            session.observationElapsedAt !== null,
            session.bpChecksDue.length,
            session.stopped?.kind ?? null,
          ]
      : null,
    pending: c.pendingEnding?.kind ?? null,
    missed: c.missedSession !== null,
    hold: c.hold === null ? null : cap(c.hold.signals.length, 2),
    holds: cap(c.holds.length, 1),
    response: c.response?.responded ?? null,
    // Outstanding REMS forms matter where maintenance may end, and after an ending that waits for
    // them (how many are left decides when it ends); elsewhere they only multiply states.
    rems: awaitingRemsForms(s)
      ? [cap(outstandingForms(c).length, 2), c.rems.forms.some((f) => f.overdue && f.submitted === null)]
      : c.session === null && s.matches({ care: { clinical: { treatment: { course: 'maintenance' } } } })
        ? c.rems.forms.some((f) => f.submitted === null)
        : null,
    therapy: [c.therapy.linkedAt !== null, c.therapy.sessionsAttended > 0, cap(c.therapy.lapses, 1)],
    checkIns: cap(c.maintenance.checkIns.length, 1),
  });
}

// ------------------------------------------------------------------ the safety invariants

interface Violation {
  readonly rule: string;
  readonly event?: string;
  readonly state: string;
}

/** A discontinued or closed journey still waiting for its esketamine REMS forms. */
const WAITING_FOR_REMS_FORMS = ['discontinuedAwaitingRemsForms', 'closedAwaitingRemsForms'] as const;

function awaitingRemsForms(s: Snap): boolean {
  return WAITING_FOR_REMS_FORMS.some((w) => s.matches(w));
}

function outstandingForms(c: KetamineJourneyContext): number[] {
  return c.rems.forms.filter((f) => f.submitted === null).map((f) => f.sessionNumber);
}

function inTreatment(s: Snap): boolean {
  return s.matches({ care: { clinical: 'treatment' } });
}

function onHold(s: Snap): boolean {
  return s.matches({ care: { clinical: { treatment: 'onHold' } } });
}

/** Never dosed without passed pre-dose checks: checked on the context before the dose. */
function preDoseViolations(c: KetamineJourneyContext, at: number, wasOnHold: boolean): string[] {
  const v: string[] = [];
  const route = c.plan ? c.protocol.routes[c.plan.route] : null;
  const pd = c.session?.preDose;
  if (wasOnHold) v.push('dosed on hold');
  if (!route || !pd) return [...v, 'dosed outside a session'];
  if (c.intake.eligibility?.outcome !== 'eligible' || !c.intake.consent) v.push('dosed without eligibility and consent');
  if (route.requiresRems && !c.intake.remsEnrolment) v.push('esketamine dosed without REMS enrolment');
  const lastFood = Math.max(...pd.fasting.map((f) => Date.parse(f.lastFoodAt)));
  const lastLiquid = Math.max(...pd.fasting.map((f) => Date.parse(f.lastLiquidAt)));
  if (pd.fasting.length === 0 || at - lastFood < route.fasting.foodHours * HOUR || at - lastLiquid < route.fasting.liquidMinutes * MIN) v.push('dosed without the fasting window');
  if (route.setting === 'clinic' ? !pd.transport.some((x) => x.responsibleAdultConfirmed) : !pd.trustedAdult.some((x) => x.confirmed)) v.push('dosed without transport / trusted adult');
  if (pd.vitals.length === 0) v.push('dosed without a pre-dose blood pressure');
  const covered = Math.max(0, ...pd.bpOverrides.map((o) => o.coversReadings));
  if (pd.vitals.some((x, i) => i >= covered && (x.systolic > route.preDoseBpLimit.systolic || x.diastolic > route.preDoseBpLimit.diastolic))) v.push('dosed above the BP limit without an override');
  if (pd.contraindicationChecks.length === 0) v.push('dosed without the contraindication check');
  // Every finding or negative confirmation ever recorded in the session was cleared by a physician.
  const negatives = pd.contraindicationChecks.flatMap((x) => x.newFindings).length + pd.transport.filter((x) => !x.responsibleAdultConfirmed).length + pd.trustedAdult.filter((x) => !x.confirmed).length;
  if (negatives !== pd.blocking.length) v.push('a blocking record was not kept');
  if (pd.blocking.some((b) => b.cleared === null || b.cleared.by.role !== 'physician')) v.push('dosed with blocking evidence not cleared by a physician');
  if (route.requiresRems && pd.medications.length === 0) v.push('esketamine dosed without co-medications confirmed');
  return v;
}

/** A dosed session ends only by discharge or a recorded transfer. */
function endedDosedSessionViolations(prev: KetamineJourneyContext, next: Snap, e: Ev): string[] {
  const was = prev.session;
  if (!was?.dose) return [];
  if (next.context.session?.number === was.number) return [];
  return e.type === 'session.discharged' || e.type === 'session.escalated' ? [] : [`a dosed session ended by ${e.type}`];
}

/** Never discharged from the clinic before the minimum observation or without the responsible adult. */
function dischargeViolations(c: KetamineJourneyContext, e: Ev): string[] {
  const v: string[] = [];
  const session = c.session;
  const route = c.plan ? c.protocol.routes[c.plan.route] : null;
  if (!session?.dose || !route) return ['discharged without a dose'];
  if (e.at - Date.parse(session.dose.at) < session.observationMinutes * MIN || session.observationElapsedAt === null) v.push('discharged before the minimum observation');
  if (session.observationMinutes < route.observationMinutes) v.push('observation shorter than the protocol');
  if (session.vitals.some((r) => Date.parse(r.takenAt) > e.at)) v.push('a reading from the future was kept');
  if (session.sedation.length === 0 || (session.sedation.at(-1)?.moaas ?? 0) < route.discharge.sedationScore) v.push('discharged without the sedation mark');
  if (route.setting === 'clinic') {
    if (e['releasedTo'] !== 'responsible-adult' || !session.preDose.transport.some((x) => x.responsibleAdultConfirmed)) v.push('discharged without the responsible adult');
  } else if (e['releasedTo'] !== 'trusted-adult-at-home') v.push('home session ended without the trusted adult');
  if (e['alertAndOriented'] !== true || e['noDrivingAdviceGiven'] !== true) v.push('discharged not alert or without the no-driving advice');
  return v;
}

function stateViolations(s: Snap): string[] {
  const c = s.context;
  const v: string[] = [];
  if (inTreatment(s)) {
    if (c.intake.eligibility?.outcome !== 'eligible') v.push('treatment without eligibility (or with an ineligible patient)');
    if (!c.intake.consent) v.push('treatment without consent');
    if (!c.plan) v.push('treatment without a plan');
    else if (c.protocol.routes[c.plan.route].requiresRems && !c.intake.remsEnrolment) v.push('esketamine treatment without REMS enrolment');
  }
  if (onHold(s)) {
    const dose = ev('dose.recorded', 'nurse', clock(c) + MIN, doseFor(routeOf(c)));
    if (machine.getTransitionData(s as never, dose as never).length > 0) v.push('a journey on hold accepts a dose');
    if (c.session !== null) v.push('a session stays open on hold');
  }
  for (const session of c.sessions) {
    if (session.outcome === 'completed') {
      const d = session.discharge;
      if (!session.dose || !d || Date.parse(d.at) - Date.parse(session.dose.at) < session.observationMinutes * MIN) v.push('a completed session was discharged early');
    }
    if (session.dose && !session.discharge && !session.transfer) v.push('a dosed session ended without discharge or transfer');
  }
  if (s.status === 'done' && c.session?.dose) v.push('the journey ended with a dosed session open');
  if (c.session?.dose && !s.matches({ care: { clinical: { treatment: 'course' } } })) v.push('a dosed session outside the course');
  if (s.matches({ care: { clinical: { treatment: { course: 'maintenance' } } } }) && c.responseDecision?.decision !== 'maintenance') v.push('maintenance without a physician’s decision');
  const withdrawal = ev('journey.withdrawn', 'patient', clock(c) + MIN);
  if (s.status === 'active' && !awaitingRemsForms(s)) {
    // Withdrawal is accepted until the journey ends; it closes at once unless REMS forms are
    // outstanding, or a dosed session is open: then it is recorded and applied after the session.
    const [next] = transition(machine, s as never, withdrawal as never);
    const outstanding = outstandingForms((next as Snap).context).length > 0;
    if (c.session?.dose) {
      if ((next as Snap).context.pendingEnding === null || (next as Snap).context.session?.number !== c.session.number) v.push('withdrawal during a dosed session is not kept pending');
    } else if (!next.matches(outstanding ? 'closedAwaitingRemsForms' : 'closed')) v.push('withdrawal is not accepted');
  }
  if (awaitingRemsForms(s)) {
    if (s.status !== 'active') v.push('a journey waiting for REMS forms is not active');
    if (outstandingForms(c).length === 0) v.push('a journey waits with no REMS form outstanding');
    if (machine.getTransitionData(s as never, withdrawal as never).length > 0) v.push('an ended journey accepts a second withdrawal');
    if (c.outcome === null || !s.matches(`${c.outcome.kind}AwaitingRemsForms`)) v.push('a waiting state does not match the recorded outcome');
    if (c.session !== null || c.schedule.some((x) => x.status === 'planned')) v.push('a session is open or planned after the journey ended');
  }
  if (s.status === 'done' && outstandingForms(c).length > 0) v.push('the journey ended with a REMS form outstanding');
  return v;
}

interface Traversal {
  readonly snapshots: Snap[];
  readonly edges: number;
  readonly violations: Violation[];
  readonly paths: ReturnType<typeof getShortestPaths>;
}

/** Traverses with getShortestPaths; every edge it explores is checked as it is serialized. */
function traverse(options: { from: Snap; routes: readonly KetamineRoute[]; stopWhen?: (s: Snap) => boolean; limit?: number }): Traversal {
  const violations: Violation[] = [];
  const snapshots = new Map<string, Snap>();
  let edges = 0;
  const serializeState = (state: Snap, event: Ev | undefined, prev?: Snap): string => {
    const key = abstractState(state);
    if (event && prev) {
      edges++;
      const taken = (event.type === 'dose.recorded' || event.type === 'session.discharged') && machine.getTransitionData(prev as never, event as never).length > 0;
      if (taken && event.type === 'dose.recorded') {
        for (const rule of preDoseViolations(prev.context, event.at, onHold(prev))) violations.push({ rule, event: event.type, state: JSON.stringify(prev.value) });
      }
      if (taken && event.type === 'session.discharged') {
        for (const rule of dischargeViolations(prev.context, event)) violations.push({ rule, event: event.type, state: JSON.stringify(prev.value) });
      }
      for (const rule of endedDosedSessionViolations(prev.context, state, event)) violations.push({ rule, event: event.type, state: JSON.stringify(prev.value) });
    }
    if (!snapshots.has(key)) {
      snapshots.set(key, state);
      for (const rule of stateViolations(state)) violations.push({ rule, state: key });
    }
    return key;
  };
  const paths = getShortestPaths(machine, {
    input: input(),
    fromState: options.from,
    events: (s: Snap) => samples(s, options.routes),
    serializeState: serializeState as never,
    ...(options.stopWhen ? { stopWhen: options.stopWhen as never } : {}),
    limit: options.limit ?? 50_000,
  } as never);
  for (const path of paths) {
    for (const step of path.steps) {
      for (const rule of stateViolations(step.state as Snap)) violations.push({ rule, state: `path step ${step.event.type}` });
    }
  }
  return { snapshots: [...snapshots.values()], edges, violations, paths };
}

function replay(events: readonly Ev[], source: 'professional' | 'self' = 'professional'): Snap {
  let [s] = initialTransition(machine, input(source));
  for (const e of events) {
    const [next] = transition(machine, s, e as never);
    if (next === s) throw new Error(`replay: ${e.type} was not taken`);
    s = next;
  }
  return s as Snap;
}

/** A journey just started on its induction schedule. */
function treatmentStart(route: KetamineRoute): Snap {
  let t = T0;
  const at = () => (t += MIN);
  return replay([
    ev('referral.accepted', 'coordinator', at()),
    ev('consultation.recorded', 'physician', at(), { kind: 'initial', mode: 'video' }),
    ev('assessment.recorded', 'patient', at(), { instrument: 'GAD-7', total: 16 }),
    ev('assessment.recorded', 'patient', at(), { instrument: 'PHQ-9', total: 10, item9: 0 }),
    ev('screening.contraindicationsRecorded', 'nurse', at(), { answers: NO_CONTRAINDICATIONS }),
    ev('screening.vitalsRecorded', 'nurse', at(), { systolic: 122, diastolic: 80, heartRate: 70 }),
    ev('screening.medicationsReviewed', 'physician', at(), { classes: [] }),
    ev('eligibility.decided', 'physician', at(), { outcome: 'eligible', reasons: [] }),
    ev('consent.recorded', 'physician', at(), { formVersion: 'v1' }),
    ...(route === 'esketamine-nasal' ? [ev('rems.enrolled', 'coordinator', at(), { enrolmentRef: 'R-1' })] : []),
    ev('plan.recorded', 'physician', at(), { route, dosePlan: planFor(route) }),
    ev('induction.started', 'coordinator', at(), { firstSessionAt: iso(T0 + 7 * DAY) }),
  ]);
}

/**
 * The state nodes of the machine as dotted paths: history pseudo-states excluded, and transient
 * routing states (only eventless transitions, e.g. `induction.next`) listed apart: a snapshot
 * never rests in them.
 */
const NODES = getStateNodes(machine.root).filter((n) => n.type !== 'history' && n.path.length > 0);
const isTransient = (n: (typeof NODES)[number]) => n.always !== undefined && n.always.length > 0 && n.transitions.size === 0;
const ALL_STATES = NODES.filter((n) => !isTransient(n)).map((n) => n.path.join('.'));
const TRANSIENT_STATES = NODES.filter(isTransient).map((n) => n.path.join('.'));

function reached(snapshots: readonly Snap[]): Set<string> {
  const out = new Set<string>();
  for (const s of snapshots) for (const path of ALL_STATES) if (s.matches(path as never)) out.add(path);
  return out;
}

const coverage = new Set<string>();

describe('model-based: the statechart under xstate/graph', () => {
  it('intake: never treatment without eligibility, consent, a plan and (esketamine) REMS enrolment; an ineligible patient never reaches treatment', () => {
    for (const source of ['professional', 'self'] as const) {
      const t = traverse({ from: replay([], source), routes: ['iv', 'esketamine-nasal'], stopWhen: (s) => inTreatment(s) || s.status !== 'active' });
      expect(t.violations).toEqual([]);
      expect(t.paths.length).toBeGreaterThan(20);
      const ends = t.snapshots.filter((s) => inTreatment(s));
      expect(ends.some((s) => s.context.plan?.route === 'esketamine-nasal')).toBe(true);
      expect(ends.every((s) => s.context.intake.eligibility?.outcome === 'eligible')).toBe(true);
      expect(t.snapshots.some((s) => s.matches('closed') && s.context.intake.eligibility?.outcome === 'ineligible')).toBe(true);
      for (const p of reached(t.snapshots)) coverage.add(p);
    }
  });

  for (const route of ['iv', 'esketamine-nasal', 'sublingual-home'] as const) {
    it(`${route}: never dosed without passed checks, never discharged early or without the adult, no dose on hold`, { timeout: 90_000 }, () => {
      const t = traverse({
        from: treatmentStart(route),
        routes: [route],
        // Bounded: explore until the first maintenance session has ended, or a hold was reviewed.
        stopWhen: (s) =>
          (s.context.session === null && s.context.schedule.some((x) => x.phase === 'maintenance' && x.status !== 'planned')) ||
          (s.context.holds.length > 0 && s.context.hold === null),
      });
      expect(t.violations.slice(0, 5)).toEqual([]);
      expect(t.paths.length).toBe(t.snapshots.length);
      // The traversal went through doses, discharges, holds, maintenance and every ending.
      const states = reached(t.snapshots);
      for (const p of [
        'care.clinical.treatment.course.induction.session.dosed.readyForDischarge',
        'care.clinical.treatment.course.responseReview.clinicianDecision',
        'care.clinical.treatment.course.maintenance.session.dosed.readyForDischarge',
        'care.clinical.treatment.onHold',
        'completed',
        'discontinued',
        'closed',
      ]) {
        expect(states.has(p), p).toBe(true);
      }
      // Esketamine: a discontinuation or withdrawal with REMS forms outstanding waits for them.
      if (route === 'esketamine-nasal') {
        for (const p of WAITING_FOR_REMS_FORMS) expect(states.has(p), p).toBe(true);
        const waiting = t.snapshots.filter(awaitingRemsForms);
        expect(waiting.some((s) => s.context.rems.forms.some((f) => f.overdue))).toBe(true);
        expect(t.snapshots.some((s) => s.status === 'done' && s.context.outcome?.kind !== 'completed' && s.context.rems.forms.length > 0)).toBe(true);
      } else {
        for (const p of WAITING_FOR_REMS_FORMS) expect(states.has(p), p).toBe(false);
      }
      expect(t.edges).toBeGreaterThan(1000);
      for (const p of states) coverage.add(p);
    });
  }

  it('concurrent therapy: every simple path through the therapy region keeps its timers consistent', () => {
    const from = replay([ev('referral.accepted', 'coordinator', T0 + MIN)]);
    const paths = getSimplePaths(machine, {
      input: input(),
      fromState: from,
      events: (s: Snap) => therapySamples(s),
      serializeState: ((s: Snap) => JSON.stringify([s.value, s.context.therapy.linkedAt !== null, Math.min(s.context.therapy.sessionsAttended, 1), Math.min(s.context.therapy.lapses, 1)])) as never,
    } as never);
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) {
      for (const step of path.steps) {
        const s = step.state as Snap;
        if (s.matches({ care: { therapy: 'lapsed' } })) expect(s.context.therapy.lapses).toBeGreaterThan(0);
        if (!s.matches({ care: { therapy: 'notLinked' } })) expect(s.context.therapy.linkedAt).not.toBeNull();
        for (const p of reached([s])) coverage.add(p);
      }
    }
  });

  it('every state of the machine is reachable', () => {
    const missing = ALL_STATES.filter((p) => !coverage.has(p));
    expect(missing).toEqual([]);
    expect(ALL_STATES.length).toBeGreaterThan(30);
    expect(TRANSIENT_STATES).toEqual([
      'care.clinical.treatment.course.induction.next',
      'care.clinical.treatment.course.induction.session.ended',
      'care.clinical.treatment.course.responseReview.evaluating',
      'care.clinical.treatment.course.maintenance.next',
      'care.clinical.treatment.course.maintenance.session.ended',
    ]);
  });
});
