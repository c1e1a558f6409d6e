// Pure context updates of the ketamine-for-anxiety journey: (context, event) → the changed parts.
// The machine wires them as `assign` actions. Every record keeps when (the event's `at`) and who.
import type { StampedEvent } from '../engine/guardRule.js';
import { RECENT_SESSIONS } from './context.js';
import type {
  AssessmentRecord,
  BlockingEvidence,
  CourseTally,
  RemsFormStatus,
  SessionSummary,
  HoldRecord,
  SessionStop,
  KetamineJourneyContext,
  ScheduledSession,
  ScheduledStatus,
  SessionRecord,
  Stamp,
} from './context.js';
import type { KetamineEventPayload, KetamineEventType } from './events.js';
import { addLocalDays } from '../time/addLocalDays.js';
import { localParts } from '../time/localParts.js';
import { continueSchedule, inductionSchedule } from './inductionSchedule.js';
import { calendarOf, iso, latestAssessment, ms, nextPlannedSession, outstandingRemsForms, plannedDoseMg, primaryInstrumentOf, routeProtocolOf, uncoveredHighReadings } from './queries.js';
import { onOpenDays } from './clinicCalendar.js';
import { stopRuleHit } from './stopRules.js';
import { remsFormOf } from './remsMonitoringForm.js';
import { evaluateResponse, type ResponseResult } from './responseReview.js';
import type { HoldSignal } from './vocabulary.js';

type Ctx = KetamineJourneyContext;
/**
 * An event as the ketamine journey's machine, its actions and routing conditions see it: a
 * {@link StampedEvent} of any type, its payload fields loosely typed (each event's payload was
 * validated against its schema before the machine saw it).
 *
 * @example
 * ```ts
 * const event: KetamineMachineEvent = { type: 'session.checkedIn', at: Date.parse('2025-03-04T09:00:00Z'), actor: { id: 'n-1', role: 'nurse' } };
 * ketamineRoutingConditions.outcomeEligible.check(view.context, event);
 * ```
 */
export type MachineEvent = StampedEvent & { readonly [key: string]: any };
type Ev<K extends KetamineEventType> = StampedEvent<K, KetamineEventPayload<K>>;
type Update = Partial<{ -readonly [K in keyof Ctx]: Ctx[K] }>;

const DAY = 86_400_000;

export const stamp = (event: MachineEvent): Stamp => ({ at: iso(event.at), by: { id: event.actor.id, role: event.actor.role } });
const as = <K extends KetamineEventType>(event: MachineEvent): Ev<K> => event as unknown as Ev<K>;

/** Keeps every planned or running session and the most recent ended ones: the schedule stays bounded. */
function bounded(schedule: readonly ScheduledSession[]): ScheduledSession[] {
  const ended = schedule.filter((s) => s.status !== 'planned' && s.status !== 'in-progress').map((s) => s.number);
  if (ended.length <= RECENT_SESSIONS) return [...schedule];
  const oldestKept = [...ended].sort((a, b) => a - b)[ended.length - RECENT_SESSIONS] ?? 0;
  return schedule.filter((s) => s.status === 'planned' || s.status === 'in-progress' || s.number >= oldestKept);
}

function setStatus(schedule: readonly ScheduledSession[], number: number, status: ScheduledStatus): ScheduledSession[] {
  return bounded(schedule.map((s) => (s.number === number ? { ...s, status } : s)));
}

/** Appends sessions to the schedule, numbered on from the tally. */
function withNewSessions(c: Ctx, added: readonly Omit<ScheduledSession, 'number' | 'status'>[]): Update {
  const first = c.tally.nextSessionNumber;
  return {
    schedule: [...c.schedule, ...added.map((s, i) => ({ ...s, number: first + i, status: 'planned' as const }))],
    tally: { ...c.tally, nextSessionNumber: first + added.length },
  };
}

function withSession(context: Ctx, change: (s: SessionRecord) => SessionRecord): Update {
  return context.session ? { session: change(context.session) } : {};
}

function preDose(context: Ctx, change: Partial<SessionRecord['preDose']>): Update {
  return withSession(context, (s) => ({ ...s, preDose: { ...s.preDose, ...change } }));
}

// ---------------------------------------------------------------- referral and intake

export const acceptReferral = (c: Ctx, e: MachineEvent): Update => ({ referral: { ...c.referral, triage: { ...stamp(e), decision: 'accepted', reason: null } } });

export const declineReferral = (c: Ctx, e: MachineEvent): Update => {
  const reason = as<'referral.declined'>(e).reason;
  return {
    referral: { ...c.referral, triage: { ...stamp(e), decision: 'declined', reason } },
    outcome: { ...stamp(e), kind: 'closed', reason: `referral declined: ${reason}` },
  };
};

export const addConsultation = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'consultation.recorded'>(e);
  return { intake: { ...c.intake, consultations: [...c.intake.consultations, { ...stamp(e), kind: p.kind, mode: p.mode }] } };
};

/** Keeps the latest result of each instrument per phase (baseline, follow-up); every result is in the journal. */
export function addAssessment(c: Ctx, e: MachineEvent, phase: AssessmentRecord['phase']): Update {
  const p = as<'assessment.recorded'>(e);
  const record: AssessmentRecord = { ...stamp(e), instrument: p.instrument, total: p.total ?? null, item9: p.item9 ?? null, risk: p.risk ?? null, instrumentVersion: p.instrumentVersion ?? null, responseRef: p.responseRef ?? null, phase };
  return { assessments: [...c.assessments.filter((a) => a.instrument !== p.instrument || a.phase !== phase), record] };
}

export const recordContraindications = (c: Ctx, e: MachineEvent): Update => {
  const answers = as<'screening.contraindicationsRecorded'>(e).answers;
  const present = Object.entries(answers)
    .filter(([, yes]) => yes)
    .map(([code]) => code) as (keyof typeof answers)[];
  return { intake: { ...c.intake, contraindications: { ...stamp(e), present } } };
};

export const recordBaselineVitals = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'screening.vitalsRecorded'>(e);
  return { intake: { ...c.intake, baselineVitals: { ...stamp(e), systolic: p.systolic, diastolic: p.diastolic, heartRate: p.heartRate, spo2: p.spo2 ?? null } } };
};

export const recordMedications = (c: Ctx, e: MachineEvent): Update => ({
  intake: { ...c.intake, medications: { ...stamp(e), classes: [...as<'screening.medicationsReviewed'>(e).classes] } },
});

export const recordExtraScreening = (c: Ctx, e: MachineEvent): Update => ({
  intake: { ...c.intake, extraScreening: { ...stamp(e), method: as<'screening.selfReferralReviewed'>(e).method } },
});

export const recordEligibility = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'eligibility.decided'>(e);
  return { intake: { ...c.intake, eligibility: { ...stamp(e), outcome: p.outcome, reasons: [...p.reasons] } } };
};

export const closeIneligible = (_c: Ctx, e: MachineEvent): Update => ({
  outcome: { ...stamp(e), kind: 'closed', reason: `ineligible: ${as<'eligibility.decided'>(e).reasons.join('; ')}` },
});

export const recordConsent = (c: Ctx, e: MachineEvent): Update => ({
  intake: { ...c.intake, consent: { ...stamp(e), formVersion: as<'consent.recorded'>(e).formVersion } },
});

export const recordRemsEnrolment = (c: Ctx, e: MachineEvent): Update => ({
  intake: { ...c.intake, remsEnrolment: { ...stamp(e), enrolmentRef: as<'rems.enrolled'>(e).enrolmentRef } },
});

export const recordPlan = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'plan.recorded'>(e);
  const route = c.protocol.routes[p.route];
  return {
    plan: {
      ...stamp(e),
      route: p.route,
      dosePlan: { summary: p.dosePlan.summary, steps: p.dosePlan.steps.map((s) => ({ ...s })) },
      observationMinutes: p.observationMinutes ?? route.observationMinutes,
      primaryInstrument: p.primaryInstrument ?? c.protocol.response.primaryInstrument[c.referral.indication],
      inductionSchedule: (p.inductionSchedule ?? route.induction).map((b) => ({ weeks: b.weeks, days: [...b.days] })),
      therapyModality: p.therapyModality ?? null,
      weightKg: p.weightKg ?? null,
    },
  };
};

export const startInduction = (c: Ctx, e: MachineEvent): Update => {
  const first = ms(as<'induction.started'>(e).firstSessionAt);
  const dates = inductionSchedule(c.plan?.inductionSchedule ?? [], first, c.protocol.timeZone, calendarOf(c));
  return withNewSessions(c, dates.map((d) => ({ phase: 'induction' as const, block: d.block, dueAt: iso(d.dueAt) })));
};

// ---------------------------------------------------------------- the schedule

export const reschedule = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'session.rescheduled'>(e);
  return { schedule: c.schedule.map((s) => (s.number === p.sessionNumber ? { ...s, dueAt: iso(ms(p.to)) } : s)) };
};

/** A cancelled esketamine session is a missed treatment session: it goes to the missed-session review. */
function missedForReview(c: Ctx, number: number, phase: ScheduledSession['phase'], e: MachineEvent): Update {
  return routeProtocolOf(c)?.medication === 'esketamine' ? { missedSession: { number, phase, at: iso(e.at) } } : {};
}

export const cancelPlannedSession = (c: Ctx, e: MachineEvent): Update => {
  const next = nextPlannedSession(c);
  return next ? { schedule: setStatus(c.schedule, next.number, 'cancelled'), ...missedForReview(c, next.number, next.phase, e) } : {};
};

export const markNoShow = (c: Ctx, e: MachineEvent): Update => {
  const next = nextPlannedSession(c);
  if (!next) return {};
  return { schedule: setStatus(c.schedule, next.number, 'missed'), ...missedForReview(c, next.number, next.phase, e) };
};

/** After a missed esketamine session: keep the schedule, or return to the previous, more frequent one. */
export const applyMissedReview = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'session.missedReviewed'>(e);
  const missed = c.missedSession;
  if (p.decision === 'keep-schedule' || !missed || p.nextSessionAt === undefined || !c.plan) return { missedSession: null };
  const start = ms(p.nextSessionAt);
  if (missed.phase === 'maintenance') {
    const everyDays = p.everyDays ?? c.maintenance.everyDays;
    const planned = c.schedule.filter((s) => s.phase === 'maintenance' && s.status === 'planned');
    const moved: Update =
      planned.length > 0
        ? { schedule: c.schedule.map((s) => (s.number === planned[0]?.number ? { ...s, dueAt: iso(start) } : s)) }
        : withNewSessions(c, [{ phase: 'maintenance', block: null, dueAt: iso(start) }]);
    return { missedSession: null, maintenance: { ...c.maintenance, everyDays }, ...moved };
  }
  const missedBlock = c.schedule.find((s) => s.number === missed.number)?.block ?? 0;
  const previous = Math.max(0, missedBlock - 1);
  const block = c.plan.inductionSchedule[previous];
  const remaining = c.schedule.filter((s) => s.phase === 'induction' && s.status === 'planned').sort((a, b) => a.number - b.number);
  if (!block || remaining.length === 0) return { missedSession: null };
  const dates = continueSchedule(block, previous, remaining.length, start, c.protocol.timeZone, calendarOf(c));
  const byNumber = new Map(remaining.map((s, i) => [s.number, dates[i]]));
  return {
    missedSession: null,
    schedule: c.schedule.map((s) => {
      const d = byNumber.get(s.number);
      return d ? { ...s, dueAt: iso(d.dueAt), block: d.block } : s;
    }),
  };
};

// ---------------------------------------------------------------- a session

export const openSession = (c: Ctx, e: MachineEvent): Update => {
  const next = nextPlannedSession(c);
  const route = routeProtocolOf(c);
  if (!next || !route || !c.plan) return {};
  const session: SessionRecord = {
    number: next.number,
    phase: next.phase,
    route: c.plan.route,
    setting: route.setting,
    dueAt: next.dueAt,
    checkedIn: stamp(e),
    preDose: {
      fasting: [],
      transport: [],
      trustedAdult: [],
      vitals: [],
      bpOverrides: [],
      contraindicationChecks: [],
      medications: [],
      doseDeviations: [],
      blocking: [],
    },
    dose: null,
    vitals: [],
    sedation: [],
    dissociation: [],
    adverseEvents: [],
    observationMinutes: c.plan.observationMinutes,
    observationElapsedAt: null,
    bpChecksDue: [],
    bpCheckMissed: null,
    vitalsOverdueSince: null,
    stopped: null,
    discharge: null,
    transfer: null,
    outcome: 'in-progress',
    ended: null,
  };
  return { session, schedule: setStatus(c.schedule, next.number, 'in-progress') };
};

type PreDose = SessionRecord['preDose'];

/** Appends to the session's pre-dose records: nothing recorded before is replaced. */
function appendPreDose<K extends keyof PreDose>(c: Ctx, key: K, record: PreDose[K][number], blocking?: Omit<BlockingEvidence, 'cleared'>): Update {
  return withSession(c, (s) => ({
    ...s,
    preDose: {
      ...s.preDose,
      [key]: [...s.preDose[key], record],
      ...(blocking ? { blocking: [...s.preDose.blocking, { ...blocking, cleared: null }] } : {}),
    },
  }));
}

export const recordFasting = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.fastingConfirmed'>(e);
  return appendPreDose(c, 'fasting', {
    ...stamp(e),
    lastFoodAt: iso(ms(p.lastFoodAt)),
    lastLiquidAt: iso(ms(p.lastLiquidAt)),
    lastNasalSteroidOrDecongestantAt: p.lastNasalSteroidOrDecongestantAt === undefined ? null : iso(ms(p.lastNasalSteroidOrDecongestantAt)),
  });
};

export const recordTransport = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.transportConfirmed'>(e);
  const record = { ...stamp(e), responsibleAdultConfirmed: p.responsibleAdultConfirmed, mode: p.mode };
  return appendPreDose(c, 'transport', record, p.responsibleAdultConfirmed ? undefined : { ...stamp(e), kind: 'no-responsible-adult', detail: 'The ride home is not with a responsible adult' });
};

/** The conditions a trusted adult did not meet, in words. */
export function trustedAdultMissing(p: KetamineEventPayload<'predose.trustedAdultConfirmed'>): string[] {
  const missing: string[] = [];
  if (!p.aged18OrOver) missing.push('aged 18 or over');
  if (!p.presentWholeSession) missing.push('present for the whole session');
  if (!p.withinVoiceRange) missing.push('within voice range');
  if (!p.canCallCareTeamOrEmergency) missing.push('able to call the care team or emergency services');
  return missing;
}

export const recordTrustedAdult = (c: Ctx, e: MachineEvent): Update => {
  const missing = trustedAdultMissing(as<'predose.trustedAdultConfirmed'>(e));
  const record = { ...stamp(e), confirmed: missing.length === 0, missing };
  return appendPreDose(c, 'trustedAdult', record, missing.length === 0 ? undefined : { ...stamp(e), kind: 'trusted-adult-incomplete', detail: `The trusted adult is not ${missing.join(', ')}` });
};

export const recordPreDoseVitals = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.vitalsRecorded'>(e);
  return appendPreDose(c, 'vitals', { ...stamp(e), systolic: p.systolic, diastolic: p.diastolic, heartRate: p.heartRate, spo2: p.spo2 ?? null, takenAt: iso(e.at) });
};

/** A physician's override covers every pre-dose reading recorded before it; a later high reading needs a new one. */
export const recordBpOverride = (c: Ctx, e: MachineEvent): Update => {
  const session = c.session;
  const route = routeProtocolOf(c);
  if (!session || !route) return {};
  const high = uncoveredHighReadings(session, route.preDoseBpLimit);
  const reading = high[high.length - 1] ?? session.preDose.vitals[session.preDose.vitals.length - 1];
  if (!reading) return {};
  return appendPreDose(c, 'bpOverrides', {
    ...stamp(e),
    reason: as<'predose.bpOverridden'>(e).reason,
    reading: { systolic: reading.systolic, diastolic: reading.diastolic },
    coversReadings: session.preDose.vitals.length,
  });
};

export const recordContraindicationCheck = (c: Ctx, e: MachineEvent): Update => {
  const findings = [...as<'predose.contraindicationsChecked'>(e).newFindings];
  const update = appendPreDose(c, 'contraindicationChecks', { ...stamp(e), newFindings: findings });
  if (findings.length === 0 || !update.session) return update;
  const blocking = findings.map((f) => ({ ...stamp(e), kind: 'new-finding' as const, detail: `New since the last session: ${f}`, cleared: null }));
  return { session: { ...update.session, preDose: { ...update.session.preDose, blocking: [...update.session.preDose.blocking, ...blocking] } } };
};

/** A physician clears every blocking record outstanding in the session. */
export const clearFinding = (c: Ctx, e: MachineEvent): Update => {
  const cleared = { ...stamp(e), reason: as<'predose.findingCleared'>(e).reason };
  return withSession(c, (s) => ({ ...s, preDose: { ...s.preDose, blocking: s.preDose.blocking.map((b) => (b.cleared === null ? { ...b, cleared } : b)) } }));
};

/** Co-medications changed since the last session block the dose until a physician clears them. */
export const recordMedicationsConfirmed = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.medicationsConfirmed'>(e);
  const record = { ...stamp(e), classes: [...p.classes], changedSinceLastSession: p.changedSinceLastSession };
  return appendPreDose(c, 'medications', record, p.changedSinceLastSession ? { ...stamp(e), kind: 'medications-changed', detail: 'Co-medications changed since the last session' } : undefined);
};

export const recordBpCheckMissed = (c: Ctx, e: MachineEvent): Update =>
  withSession(c, (s) => ({ ...s, bpCheckMissed: { ...stamp(e), reason: as<'monitoring.bpCheckMissed'>(e).reason } }));

export const recordDoseDeviation = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.doseDeviationApproved'>(e);
  return appendPreDose(c, 'doseDeviations', { ...stamp(e), amountMg: p.amountMg, reason: p.reason });
};

export const recordDose = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'dose.recorded'>(e);
  const session = c.session;
  if (!session) return {};
  const route = routeProtocolOf(c);
  const planned = plannedDoseMg(c, session.number);
  const tolerance = route?.dosing.toleranceMg ?? 0;
  const deviation = planned !== null && Math.abs(planned - p.amountMg) <= tolerance ? undefined : session.preDose.doseDeviations.find((d) => Math.abs(d.amountMg - p.amountMg) <= tolerance);
  return {
    session: {
      ...session,
      dose: {
        ...stamp(e),
        medication: p.medication,
        amountMg: p.amountMg,
        devices: p.devices ?? null,
        infusionMinutes: p.infusionMinutes ?? null,
        lot: p.lot,
        administration: p.administration,
        plannedMg: planned,
        deviationReason: deviation?.reason ?? null,
      },
    },
  };
};

/** The instant a reading was taken: its own `takenAt`, never later than the event (a device clock ahead by the allowed skew). */
export function readingTime(takenAt: string | undefined, e: MachineEvent): string {
  return iso(takenAt === undefined ? e.at : Math.min(ms(takenAt), e.at));
}

export const recordMonitoringVitals = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.vitalsRecorded'>(e);
  const reading = {
    systolic: p.systolic,
    diastolic: p.diastolic,
    heartRate: p.heartRate,
    spo2: p.spo2 ?? null,
    takenAt: readingTime(p.takenAt, e),
    by: stamp(e).by,
  };
  return withSession(c, (s) => ({ ...s, vitalsOverdueSince: null, vitals: [...s.vitals, reading].sort((a, b) => ms(a.takenAt) - ms(b.takenAt)) }));
};

export const recordSedation = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.sedationRecorded'>(e);
  const takenAt = readingTime(p.takenAt, e);
  return withSession(c, (s) => ({ ...s, sedation: [...s.sedation, { moaas: p.moaas, takenAt }].sort((a, b) => ms(a.takenAt) - ms(b.takenAt)) }));
};

export const recordDissociation = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.dissociationRecorded'>(e);
  const takenAt = readingTime(p.takenAt, e);
  return withSession(c, (s) => ({ ...s, dissociation: [...s.dissociation, { score: p.score, form: p.form, takenAt }].sort((a, b) => ms(a.takenAt) - ms(b.takenAt)) }));
};

export const recordAdverseEvent = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.adverseEventRecorded'>(e);
  return withSession(c, (s) => ({ ...s, adverseEvents: [...s.adverseEvents, { ...stamp(e), term: p.term, severity: p.severity, serious: p.serious }] }));
};

export const markObservationElapsed = (c: Ctx, e: MachineEvent): Update => withSession(c, (s) => ({ ...s, observationElapsedAt: iso(e.at) }));

export const markVitalsOverdue = (c: Ctx, e: MachineEvent): Update => withSession(c, (s) => ({ ...s, vitalsOverdueSince: s.vitalsOverdueSince ?? iso(e.at) }));

/** Marks the session stopped (no further dosing); the first stop's reason is kept. Monitoring goes on. */
export function stopSession(c: Ctx, e: MachineEvent, kind: SessionStop['kind'], reason: string): Update {
  return withSession(c, (s) => (s.stopped ? s : { ...s, stopped: { ...stamp(e), kind, reason } }));
}

/** The stop rule the session's readings hit, if any. */
export function sessionStopRule(c: Ctx): string | null {
  const route = routeProtocolOf(c);
  return route && c.session ? stopRuleHit(c.session.vitals, route.stopRules) : null;
}

export const markBpCheckDue = (c: Ctx, e: MachineEvent): Update =>
  withSession(c, (s) => ({ ...s, bpChecksDue: [...s.bpChecksDue, typeof e['minute'] === 'number' ? e['minute'] : 0] }));

/** Cancels the current session before the dose (an esketamine session goes to the missed-session review). */
export const cancelCurrentSession = (c: Ctx, e: MachineEvent): Update => {
  const s = c.session;
  if (!s || s.dose) return {};
  return { ...endSession(c, e, 'cancelled', String(e['reason'] ?? 'cancelled')), ...missedForReview(c, s.number, s.phase, e) };
};

/** The summary of a session that ended, as the context keeps it. */
export function summarize(s: SessionRecord, outcome: SessionSummary['outcome'], ended: SessionSummary['ended']): SessionSummary {
  return {
    number: s.number,
    phase: s.phase,
    route: s.route,
    setting: s.setting,
    dueAt: s.dueAt,
    checkedInAt: s.checkedIn.at,
    dose: s.dose ? { at: s.dose.at, medication: s.dose.medication, amountMg: s.dose.amountMg, devices: s.dose.devices, plannedMg: s.dose.plannedMg } : null,
    observationMinutes: s.observationMinutes,
    observationElapsedAt: s.observationElapsedAt,
    adverseEvents: s.adverseEvents.map((a) => ({ term: a.term, serious: a.serious })),
    stopped: s.stopped ? { kind: s.stopped.kind, reason: s.stopped.reason } : null,
    discharge: s.discharge ? { at: s.discharge.at, releasedTo: s.discharge.releasedTo, readyToLeaveAt: s.discharge.readyToLeaveAt } : null,
    transfer: s.transfer ? { at: s.transfer.at, destination: s.transfer.destination, reference: s.transfer.reference } : null,
    outcome,
    ended,
  };
}

/**
 * Ends the current session with an outcome: its summary joins the recent sessions (its full
 * detail stays in the journal), the tally counts it, and a dosed esketamine session gets its REMS
 * monitoring form, with the form's data, due in the protocol's days.
 */
export function endSession(c: Ctx, e: MachineEvent, outcome: 'completed' | 'cancelled' | 'aborted' | 'transferred', reason: string | null): Update {
  const s = c.session;
  if (!s) return {};
  const ended: SessionRecord = { ...s, outcome, ended: { ...stamp(e), reason } };
  const dose = s.dose;
  const tally: CourseTally = {
    ...c.tally,
    sessionsEnded: c.tally.sessionsEnded + 1,
    doses: c.tally.doses + (dose ? 1 : 0),
    lastDoseAt: dose && (c.tally.lastDoseAt === null || ms(dose.at) > ms(c.tally.lastDoseAt)) ? dose.at : c.tally.lastDoseAt,
    lastInductionCheckInAt: s.phase === 'induction' ? s.checkedIn.at : c.tally.lastInductionCheckInAt,
  };
  const needsForm = dose?.medication === 'esketamine' && !c.rems.forms.some((f) => f.sessionNumber === s.number);
  const rems = needsForm
    ? {
        forms: [
          ...c.rems.forms,
          { sessionNumber: s.number, dueAt: iso(addLocalDays(ms(dose.at), c.protocol.rems.formDueDays, c.protocol.timeZone)), submitted: null, overdue: false, form: remsFormOf(c, ended) },
        ],
      }
    : c.rems;
  return {
    session: null,
    sessions: [...c.sessions, summarize(ended, outcome, ended.ended ?? { ...stamp(e), reason })].slice(-RECENT_SESSIONS),
    schedule: setStatus(c.schedule, s.number, outcome),
    tally,
    rems,
  };
}

export const dischargeSession = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'session.discharged'>(e);
  const withDischarge: Ctx = c.session
    ? {
        ...c,
        session: {
          ...c.session,
          discharge: {
            ...stamp(e),
            releasedTo: p.releasedTo,
            alertAndOriented: p.alertAndOriented,
            noDrivingAdviceGiven: p.noDrivingAdviceGiven,
            readyToLeaveAt: iso(p.readyToLeaveAt === undefined ? e.at : ms(p.readyToLeaveAt)),
          },
        },
      }
    : c;
  // A session stopped early and observed to discharge ends as aborted, with the stop's reason.
  const stopped = c.session?.stopped ?? null;
  return endSession(withDischarge, e, stopped ? 'aborted' : 'completed', stopped ? stopped.reason : null);
};

/** A recorded transfer of care ends a dosed session. */
export const escalateSession = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'session.escalated'>(e);
  const session = c.session;
  if (!session) return {};
  const withTransfer: Ctx = { ...c, session: { ...session, transfer: { ...stamp(e), destination: p.destination, reference: p.reference, reason: p.reason } } };
  return endSession(withTransfer, e, 'transferred', `transferred to ${p.destination}: ${p.reason}`);
};

/** Closes a session not yet dosed, left open by a hold, a discontinuation or a withdrawal. A dosed session is never closed this way. */
export function closeOpenSession(c: Ctx, e: MachineEvent, reason: string): Update {
  if (!c.session || c.session.dose) return {};
  return endSession(c, e, 'cancelled', reason);
}

/**
 * The REMS forms that would still be outstanding if the journey ended now. An ending never closes
 * a dosed session (it waits for its discharge or transfer), so these are the forms outstanding now.
 */
export function remsFormsOutstandingAfterEnding(c: Ctx, _e: MachineEvent): number[] {
  return outstandingRemsForms(c);
}

/** A submitted form keeps its status without its data; the context keeps the last 3 submitted. */
export const submitRemsForm = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'rems.formSubmitted'>(e);
  const forms = c.rems.forms.map((f) => (f.sessionNumber === p.sessionNumber ? { ...f, submitted: { ...stamp(e), submissionRef: p.submissionRef }, form: null } : f));
  const submitted = forms.filter((f) => f.submitted !== null).map((f) => f.sessionNumber);
  const keep = new Set(submitted.slice(-3));
  return {
    rems: { forms: forms.filter((f) => f.submitted === null || keep.has(f.sessionNumber)) },
    tally: { ...c.tally, remsFormsSubmitted: c.tally.remsFormsSubmitted + 1 },
  };
};

/** Forms the journey has not announced yet (`rems.formDue`), with their due-time timers. */
export function unannouncedRemsForms(c: Ctx): RemsFormStatus[] {
  return c.rems.forms.filter((f) => f.sessionNumber > c.tally.remsFiledThroughSession);
}

export const markRemsOverdue = (c: Ctx, e: MachineEvent): Update => ({
  rems: { forms: c.rems.forms.map((f) => (f.sessionNumber === e['sessionNumber'] && f.submitted === null ? { ...f, overdue: true } : f)) },
});

// ---------------------------------------------------------------- response and maintenance

/** Start of the last induction session: follow-up assessments from then on count for the review. */
export function reviewWindowStart(c: Ctx): number {
  const last = c.tally.lastInductionCheckInAt;
  return last !== null ? ms(last) : c.inductionEndedAt === null ? 0 : ms(c.inductionEndedAt);
}

/** The response on the primary instrument: its baseline against the latest follow-up since `since`. */
export function currentResponse(c: Ctx, since: number): ResponseResult | null {
  const instrument = primaryInstrumentOf(c);
  const baseline = latestAssessment(c, instrument, 'baseline');
  const current = latestAssessment(c, instrument, 'follow-up', since);
  if (!baseline || !current || baseline.total === null || current.total === null) return null;
  return evaluateResponse({ instrument, baseline: baseline.total, current: current.total }, c.protocol.response);
}

export const markInductionEnded = (_c: Ctx, e: MachineEvent): Update => ({ inductionEndedAt: iso(e.at) });

export const recordResponse = (c: Ctx, e: MachineEvent): Update => {
  const result = currentResponse(c, reviewWindowStart(c));
  return { response: result ? { ...result, at: iso(e.at) } : null };
};

export const recordResponseDecision = (_c: Ctx, e: MachineEvent): Update => {
  const p = as<'response.decided'>(e);
  return { responseDecision: { ...stamp(e), decision: p.decision, reason: p.reason, everyDays: p.everyDays ?? null } };
};

export const extendInduction = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'response.decided'>(e);
  const blocks = c.plan?.inductionSchedule ?? [];
  const lastIndex = blocks.length - 1;
  const block = blocks[lastIndex];
  if (!block || p.additionalSessions === undefined || p.firstSessionAt === undefined) return {};
  const dates = continueSchedule(block, lastIndex, p.additionalSessions, ms(p.firstSessionAt), c.protocol.timeZone, calendarOf(c));
  return withNewSessions(c, dates.map((d) => ({ phase: 'induction' as const, block: d.block, dueAt: iso(d.dueAt) })));
};

/** Maintenance starts on the cadence the physician's response decision gave (there is no default cadence). */
export const startMaintenance = (c: Ctx, e: MachineEvent): Update => ({
  maintenance: {
    ...c.maintenance,
    startedAt: c.maintenance.startedAt ?? iso(e.at),
    everyDays: c.maintenance.everyDays ?? c.responseDecision?.everyDays ?? null,
  },
});

/** Plans the next maintenance session on the physician's cadence, on an open clinic day, unless one is planned. */
export const planNextMaintenanceSession = (c: Ctx, e: MachineEvent): Update => {
  const everyDays = c.maintenance.everyDays;
  if (everyDays === null || c.schedule.some((s) => s.status === 'planned')) return {};
  const last = c.schedule.reduce<ScheduledSession | undefined>((a, s) => (!a || ms(s.dueAt) > ms(a.dueAt) ? s : a), undefined);
  const zone = c.protocol.timeZone;
  let due = addLocalDays(last ? ms(last.dueAt) : e.at, everyDays, zone);
  // After a long pause, keep the local time of day and move to the next day ahead.
  while (due < e.at) due = addLocalDays(due, 1, zone);
  const [placed] = onOpenDays([due], calendarOf(c), last ? ms(last.dueAt) : null);
  return withNewSessions(c, [{ phase: 'maintenance', block: null, dueAt: iso(placed ?? due) }]);
};

export const changeCadence = (c: Ctx, e: MachineEvent): Update => {
  const everyDays = as<'maintenance.cadenceChanged'>(e).everyDays;
  const planned = c.schedule.find((s) => s.phase === 'maintenance' && s.status === 'planned');
  const previous = c.schedule.filter((s) => s.status !== 'planned').reduce<ScheduledSession | undefined>((a, s) => (!a || ms(s.dueAt) > ms(a.dueAt) ? s : a), undefined);
  let schedule = c.schedule;
  if (planned && previous) {
    let due = addLocalDays(ms(previous.dueAt), everyDays, c.protocol.timeZone);
    while (due < e.at) due = addLocalDays(due, 1, c.protocol.timeZone);
    const [placed] = onOpenDays([due], calendarOf(c), ms(previous.dueAt));
    schedule = c.schedule.map((s) => (s.number === planned.number ? { ...s, dueAt: iso(placed ?? due) } : s));
  }
  return { maintenance: { ...c.maintenance, everyDays }, schedule };
};

export const recordCheckIn = (c: Ctx, e: MachineEvent): Update => ({ maintenance: { ...c.maintenance, checkIns: [...c.maintenance.checkIns, stamp(e)].slice(-3) } });

// ---------------------------------------------------------------- holds and endings

/**
 * Places treatment on hold. A session not yet dosed is cancelled; a dosed session stays open and
 * is marked stopped: the patient stays under observation until discharge or transfer, and the
 * hold takes effect when the session ends.
 */
export function placeHold(c: Ctx, e: MachineEvent, signal: HoldSignal): Update {
  const dosed = c.session?.dose ? c.session : null;
  const closed = dosed ? stopSession(c, e, signal === 'serious-adverse-event' ? 'serious-adverse-event' : 'hold', `treatment on hold: ${signal}`) : closeOpenSession(c, e, `treatment on hold: ${signal}`);
  const base: HoldRecord = c.hold ?? { ...stamp(e), signals: [], review: null };
  return { ...closed, hold: { ...base, signals: [...base.signals, { ...stamp(e), signal }] } };
}

/** A discontinuation or withdrawal during a dosed session: recorded now, applied when the session ends. */
export function pendEnding(c: Ctx, e: MachineEvent, kind: 'discontinued' | 'closed'): Update {
  const reason = kind === 'closed' ? `withdrew${e['reason'] ? `: ${String(e['reason'])}` : ''}` : String(e['reason'] ?? 'discontinued');
  return {
    ...stopSession(c, e, kind === 'closed' ? 'withdrawn' : 'discontinued', kind === 'closed' ? 'the patient withdrew' : 'treatment discontinued'),
    pendingEnding: c.pendingEnding ?? { ...stamp(e), kind, reason },
  };
}

/**
 * Resolves the hold. On resume, the remaining planned sessions are re-planned from the
 * physician's `nextSessionAt`, keeping their spacing in local days and landing on open clinic
 * days; in maintenance with nothing planned, the next session is booked at `nextSessionAt`.
 */
export const resolveHold = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'hold.reviewed'>(e);
  if (!c.hold) return {};
  const resolved: Update = {
    hold: null,
    holds: [...c.holds, { ...c.hold, review: { ...stamp(e), decision: p.decision, reason: p.reason } }].slice(-5),
    tally: { ...c.tally, holds: c.tally.holds + 1 },
  };
  if (p.decision !== 'resume' || p.nextSessionAt === undefined) return resolved;
  return { ...resolved, ...replanFrom(c, ms(p.nextSessionAt)) };
};

function replanFrom(c: Ctx, start: number): Update {
  const zone = c.protocol.timeZone;
  const planned = c.schedule.filter((s) => s.status === 'planned').sort((a, b) => ms(a.dueAt) - ms(b.dueAt));
  const first = planned[0];
  if (!first) {
    if (c.maintenance.startedAt === null) return {};
    return withNewSessions(c, [{ phase: 'maintenance', block: null, dueAt: iso(start) }]);
  }
  const dayIndex = (instant: number) => Math.round(ms(localParts(instant, zone).date + 'T00:00:00Z') / DAY);
  const shifted = planned.map((s) => addLocalDays(start, dayIndex(ms(s.dueAt)) - dayIndex(ms(first.dueAt)), zone));
  const placed = onOpenDays(shifted, calendarOf(c));
  const byNumber = new Map(planned.map((s, i) => [s.number, placed[i] ?? ms(s.dueAt)]));
  return {
    schedule: c.schedule.map((s) => {
      const due = byNumber.get(s.number);
      return due === undefined ? s : { ...s, dueAt: iso(due) };
    }),
  };
}

export function endJourney(c: Ctx, e: MachineEvent, kind: 'completed' | 'discontinued' | 'closed', reason: string): Update {
  const closed = closeOpenSession(c, e, `journey ${kind}: ${reason}`);
  const cancelled = (closed.schedule ?? c.schedule).map((s) => (s.status === 'planned' ? { ...s, status: 'cancelled' as const } : s));
  return { ...closed, schedule: cancelled, outcome: { ...stamp(e), kind, reason }, pendingEnding: null };
}

// ---------------------------------------------------------------- concurrent therapy

export const linkTherapist = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'therapy.linked'>(e);
  return { therapy: { ...c.therapy, therapistRef: p.therapistRef, modality: p.modality, linkedAt: iso(e.at), endedAt: null } };
};

export const recordTherapySession = (c: Ctx, e: MachineEvent): Update => {
  const attended = ms(as<'therapy.sessionAttended'>(e).attendedAt);
  const last = c.therapy.lastAttendedAt === null ? attended : Math.max(ms(c.therapy.lastAttendedAt), attended);
  return { therapy: { ...c.therapy, lastAttendedAt: iso(last), sessionsAttended: c.therapy.sessionsAttended + 1 } };
};

export const recordTherapyLapse = (c: Ctx): Update => ({ therapy: { ...c.therapy, lapses: c.therapy.lapses + 1 } });

export const endTherapy = (c: Ctx, e: MachineEvent): Update => ({ therapy: { ...c.therapy, endedAt: iso(e.at) } });

/** When the therapy lapse timer is due: the configured gap after the last attended session (or the link). */
export function therapyLapseDueAt(c: Ctx): number | null {
  const times = [c.therapy.lastAttendedAt, c.therapy.linkedAt].filter((t): t is string => t !== null).map(ms);
  return times.length === 0 ? null : Math.max(...times) + c.protocol.therapy.lapseAfterDays * DAY;
}
