// Pure context updates of the ketamine-for-anxiety journey: (context, event) → the changed parts.
// The machine wires them as `assign` actions. Every record keeps when (the event's `at`) and who.
import type { StampedEvent } from '../engine/guardRule.js';
import type {
  AssessmentRecord,
  HoldRecord,
  KetamineJourneyContext,
  ScheduledSession,
  ScheduledStatus,
  SessionRecord,
  Stamp,
} from './context.js';
import type { KetamineEventPayload, KetamineEventType } from './events.js';
import { addLocalDays } from '../time/addLocalDays.js';
import { continueSchedule, inductionSchedule } from './inductionSchedule.js';
import { iso, latestAssessment, ms, nextPlannedSession, outstandingRemsForms, primaryInstrumentOf, routeProtocolOf } from './queries.js';
import { evaluateResponse, type ResponseResult } from './responseReview.js';
import type { HoldSignal } from './vocabulary.js';

type Ctx = KetamineJourneyContext;
export type MachineEvent = StampedEvent & { readonly [key: string]: any };
type Ev<K extends KetamineEventType> = StampedEvent<K, KetamineEventPayload<K>>;
type Update = Partial<{ -readonly [K in keyof Ctx]: Ctx[K] }>;

const DAY = 86_400_000;

export const stamp = (event: MachineEvent): Stamp => ({ at: iso(event.at), by: { id: event.actor.id, role: event.actor.role } });
const as = <K extends KetamineEventType>(event: MachineEvent): Ev<K> => event as unknown as Ev<K>;

function setStatus(schedule: readonly ScheduledSession[], number: number, status: ScheduledStatus): ScheduledSession[] {
  return schedule.map((s) => (s.number === number ? { ...s, status } : s));
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

export function addAssessment(c: Ctx, e: MachineEvent, phase: AssessmentRecord['phase']): Update {
  const p = as<'assessment.recorded'>(e);
  const record: AssessmentRecord = { ...stamp(e), instrument: p.instrument, total: p.total ?? null, item9: p.item9 ?? null, risk: p.risk ?? null, instrumentVersion: p.instrumentVersion ?? null, responseRef: p.responseRef ?? null, phase };
  return { assessments: [...c.assessments, record] };
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
    },
  };
};

export const startInduction = (c: Ctx, e: MachineEvent): Update => {
  const first = ms(as<'induction.started'>(e).firstSessionAt);
  const dates = inductionSchedule(c.plan?.inductionSchedule ?? [], first, c.protocol.timeZone);
  return {
    schedule: dates.map((d, i) => ({ number: i + 1, phase: 'induction', block: d.block, dueAt: iso(d.dueAt), status: 'planned' })),
  };
};

// ---------------------------------------------------------------- the schedule

export const reschedule = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'session.rescheduled'>(e);
  return { schedule: c.schedule.map((s) => (s.number === p.sessionNumber ? { ...s, dueAt: iso(ms(p.to)) } : s)) };
};

export const cancelPlannedSession = (c: Ctx): Update => {
  const next = nextPlannedSession(c);
  return next ? { schedule: setStatus(c.schedule, next.number, 'cancelled') } : {};
};

export const markNoShow = (c: Ctx, e: MachineEvent): Update => {
  const next = nextPlannedSession(c);
  if (!next) return {};
  const esketamine = routeProtocolOf(c)?.medication === 'esketamine';
  return {
    schedule: setStatus(c.schedule, next.number, 'missed'),
    ...(esketamine ? { missedSession: { number: next.number, phase: next.phase, at: iso(e.at) } } : {}),
  };
};

/** After a missed esketamine session: keep the schedule, or return to the previous, more frequent one. */
export const applyMissedReview = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'session.missedReviewed'>(e);
  const missed = c.missedSession;
  if (p.decision === 'keep-schedule' || !missed || p.nextSessionAt === undefined || !c.plan) return { missedSession: null };
  const start = ms(p.nextSessionAt);
  if (missed.phase === 'maintenance') {
    const route = routeProtocolOf(c);
    const everyDays = route?.maintenance.moreFrequentEveryDays ?? c.maintenance.everyDays;
    const planned = c.schedule.filter((s) => s.phase === 'maintenance' && s.status === 'planned');
    const schedule =
      planned.length > 0
        ? c.schedule.map((s) => (s.number === planned[0]?.number ? { ...s, dueAt: iso(start) } : s))
        : [...c.schedule, { number: c.schedule.length + 1, phase: 'maintenance' as const, block: null, dueAt: iso(start), status: 'planned' as const }];
    return { missedSession: null, maintenance: { ...c.maintenance, everyDays }, schedule };
  }
  const missedBlock = c.schedule.find((s) => s.number === missed.number)?.block ?? 0;
  const previous = Math.max(0, missedBlock - 1);
  const block = c.plan.inductionSchedule[previous];
  const remaining = c.schedule.filter((s) => s.phase === 'induction' && s.status === 'planned').sort((a, b) => a.number - b.number);
  if (!block || remaining.length === 0) return { missedSession: null };
  const dates = continueSchedule(block, previous, remaining.length, start, c.protocol.timeZone);
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
    preDose: { fasting: null, transport: null, trustedAdult: null, vitals: null, bpOverride: null, contraindicationCheck: null, findingCleared: null },
    dose: null,
    vitals: [],
    sedation: [],
    dissociation: [],
    adverseEvents: [],
    observationMinutes: c.plan.observationMinutes,
    observationElapsedAt: null,
    bpChecksDue: [],
    discharge: null,
    outcome: 'in-progress',
    ended: null,
  };
  return { session, schedule: setStatus(c.schedule, next.number, 'in-progress') };
};

export const recordFasting = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.fastingConfirmed'>(e);
  return preDose(c, {
    fasting: {
      ...stamp(e),
      lastFoodAt: iso(ms(p.lastFoodAt)),
      lastLiquidAt: iso(ms(p.lastLiquidAt)),
      lastNasalSteroidOrDecongestantAt: p.lastNasalSteroidOrDecongestantAt === undefined ? null : iso(ms(p.lastNasalSteroidOrDecongestantAt)),
    },
  });
};

export const recordTransport = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.transportConfirmed'>(e);
  return preDose(c, { transport: { ...stamp(e), responsibleAdultConfirmed: p.responsibleAdultConfirmed, mode: p.mode } });
};

export const recordTrustedAdult = (c: Ctx, e: MachineEvent): Update => preDose(c, { trustedAdult: { ...stamp(e), confirmed: true } });

/** A new pre-dose reading replaces the last one, and with it any override of the last one. */
export const recordPreDoseVitals = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'predose.vitalsRecorded'>(e);
  return preDose(c, {
    vitals: { ...stamp(e), systolic: p.systolic, diastolic: p.diastolic, heartRate: p.heartRate, spo2: p.spo2 ?? null, takenAt: iso(e.at) },
    bpOverride: null,
  });
};

export const recordBpOverride = (c: Ctx, e: MachineEvent): Update => {
  const vitals = c.session?.preDose.vitals;
  if (!vitals) return {};
  return preDose(c, { bpOverride: { ...stamp(e), reason: as<'predose.bpOverridden'>(e).reason, reading: { systolic: vitals.systolic, diastolic: vitals.diastolic } } });
};

/** A new check replaces the last one, and with it any clearance of the last one. */
export const recordContraindicationCheck = (c: Ctx, e: MachineEvent): Update =>
  preDose(c, { contraindicationCheck: { ...stamp(e), newFindings: [...as<'predose.contraindicationsChecked'>(e).newFindings] }, findingCleared: null });

export const clearFinding = (c: Ctx, e: MachineEvent): Update => preDose(c, { findingCleared: { ...stamp(e), reason: as<'predose.findingCleared'>(e).reason } });

export const recordDose = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'dose.recorded'>(e);
  return withSession(c, (s) => ({
    ...s,
    dose: {
      ...stamp(e),
      medication: p.medication,
      amountMg: p.amountMg,
      devices: p.devices ?? null,
      infusionMinutes: p.infusionMinutes ?? null,
      lot: p.lot,
      administration: p.administration,
    },
  }));
};

export const recordMonitoringVitals = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.vitalsRecorded'>(e);
  const reading = {
    systolic: p.systolic,
    diastolic: p.diastolic,
    heartRate: p.heartRate,
    spo2: p.spo2 ?? null,
    takenAt: iso(p.takenAt === undefined ? e.at : Math.min(ms(p.takenAt), e.at)),
    by: stamp(e).by,
  };
  return withSession(c, (s) => ({ ...s, vitals: [...s.vitals, reading].sort((a, b) => ms(a.takenAt) - ms(b.takenAt)) }));
};

export const recordSedation = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.sedationRecorded'>(e);
  const takenAt = iso(p.takenAt === undefined ? e.at : Math.min(ms(p.takenAt), e.at));
  return withSession(c, (s) => ({ ...s, sedation: [...s.sedation, { moaas: p.moaas, takenAt }].sort((a, b) => ms(a.takenAt) - ms(b.takenAt)) }));
};

export const recordDissociation = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.dissociationRecorded'>(e);
  const takenAt = iso(p.takenAt === undefined ? e.at : Math.min(ms(p.takenAt), e.at));
  return withSession(c, (s) => ({ ...s, dissociation: [...s.dissociation, { score: p.score, form: p.form, takenAt }] }));
};

export const recordAdverseEvent = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'monitoring.adverseEventRecorded'>(e);
  return withSession(c, (s) => ({ ...s, adverseEvents: [...s.adverseEvents, { ...stamp(e), term: p.term, severity: p.severity, serious: p.serious }] }));
};

export const markObservationElapsed = (c: Ctx, e: MachineEvent): Update => withSession(c, (s) => ({ ...s, observationElapsedAt: iso(e.at) }));

export const markBpCheckDue = (c: Ctx, e: MachineEvent): Update =>
  withSession(c, (s) => ({ ...s, bpChecksDue: [...s.bpChecksDue, typeof e['minute'] === 'number' ? e['minute'] : 0] }));

/** Ends the current session with an outcome: moves it to the log and updates the schedule. */
export function endSession(c: Ctx, e: MachineEvent, outcome: 'completed' | 'cancelled' | 'aborted', reason: string | null): Update {
  const s = c.session;
  if (!s) return {};
  const ended: SessionRecord = { ...s, outcome, ended: { ...stamp(e), reason } };
  return { session: null, sessions: [...c.sessions, ended], schedule: setStatus(c.schedule, s.number, outcome) };
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
  return endSession(withDischarge, e, 'completed', null);
};

/** Closes a session left open by a hold, a discontinuation or a withdrawal. */
export function closeOpenSession(c: Ctx, e: MachineEvent, reason: string): Update {
  if (!c.session) return {};
  return endSession(c, e, c.session.dose ? 'aborted' : 'cancelled', reason);
}

/** Adds a REMS form for every dosed esketamine session that has none yet. */
export const addDueRemsForms = (c: Ctx): Update => {
  const known = new Set(c.rems.forms.map((f) => f.sessionNumber));
  const added = c.sessions
    .filter((s) => s.dose !== null && s.dose.medication === 'esketamine' && !known.has(s.number))
    .map((s) => ({ sessionNumber: s.number, dueAt: iso(ms(s.dose?.at ?? s.checkedIn.at) + c.protocol.rems.formDueDays * DAY), submitted: null, overdue: false }));
  return added.length > 0 ? { rems: { forms: [...c.rems.forms, ...added] } } : {};
};

/**
 * The REMS forms that would still be outstanding if the journey ended with this event: those
 * outstanding now, plus the form of a dosed esketamine session the ending closes. An ending with
 * any waits for them, so the clinic keeps track of a regulatory form after treatment stops.
 */
export function remsFormsOutstandingAfterEnding(c: Ctx, e: MachineEvent): number[] {
  const ended = { ...c, ...endJourney(c, e, 'closed', 'ending') } as Ctx;
  return outstandingRemsForms({ ...ended, ...addDueRemsForms(ended) } as Ctx);
}

export const submitRemsForm = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'rems.formSubmitted'>(e);
  return { rems: { forms: c.rems.forms.map((f) => (f.sessionNumber === p.sessionNumber ? { ...f, submitted: { ...stamp(e), submissionRef: p.submissionRef } } : f)) } };
};

export const markRemsOverdue = (c: Ctx, e: MachineEvent): Update => ({
  rems: { forms: c.rems.forms.map((f) => (f.sessionNumber === e['sessionNumber'] && f.submitted === null ? { ...f, overdue: true } : f)) },
});

// ---------------------------------------------------------------- response and maintenance

/** Start of the last induction session: follow-up assessments from then on count for the review. */
export function reviewWindowStart(c: Ctx): number {
  const induction = [...c.sessions].filter((s) => s.phase === 'induction').sort((a, b) => ms(b.checkedIn.at) - ms(a.checkedIn.at));
  const last = induction[0];
  return last ? ms(last.checkedIn.at) : c.inductionEndedAt === null ? 0 : ms(c.inductionEndedAt);
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
  return { responseDecision: { ...stamp(e), decision: p.decision, reason: p.reason } };
};

export const extendInduction = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'response.decided'>(e);
  const blocks = c.plan?.inductionSchedule ?? [];
  const lastIndex = blocks.length - 1;
  const block = blocks[lastIndex];
  if (!block || p.additionalSessions === undefined || p.firstSessionAt === undefined) return {};
  const dates = continueSchedule(block, lastIndex, p.additionalSessions, ms(p.firstSessionAt), c.protocol.timeZone);
  const base = c.schedule.length;
  return {
    schedule: [...c.schedule, ...dates.map((d, i) => ({ number: base + i + 1, phase: 'induction' as const, block: d.block, dueAt: iso(d.dueAt), status: 'planned' as const }))],
  };
};

export const startMaintenance = (c: Ctx, e: MachineEvent): Update => ({
  maintenance: {
    ...c.maintenance,
    startedAt: c.maintenance.startedAt ?? iso(e.at),
    everyDays: c.maintenance.everyDays ?? routeProtocolOf(c)?.maintenance.everyDays ?? 28,
  },
});

/** Plans the next maintenance session on the cadence, unless one is planned. */
export const planNextMaintenanceSession = (c: Ctx, e: MachineEvent): Update => {
  if (c.schedule.some((s) => s.status === 'planned')) return {};
  const everyDays = c.maintenance.everyDays ?? routeProtocolOf(c)?.maintenance.everyDays ?? 28;
  const last = c.schedule.reduce<ScheduledSession | undefined>((a, s) => (!a || ms(s.dueAt) > ms(a.dueAt) ? s : a), undefined);
  const zone = c.protocol.timeZone;
  let due = addLocalDays(last ? ms(last.dueAt) : e.at, everyDays, zone);
  // After a long pause (a hold), keep the local time of day and move to the next day ahead.
  while (due < e.at) due = addLocalDays(due, 1, zone);
  return { schedule: [...c.schedule, { number: c.schedule.length + 1, phase: 'maintenance', block: null, dueAt: iso(due), status: 'planned' }] };
};

export const changeCadence = (c: Ctx, e: MachineEvent): Update => {
  const everyDays = as<'maintenance.cadenceChanged'>(e).everyDays;
  const planned = c.schedule.find((s) => s.phase === 'maintenance' && s.status === 'planned');
  const previous = c.schedule.filter((s) => s.status !== 'planned').reduce<ScheduledSession | undefined>((a, s) => (!a || ms(s.dueAt) > ms(a.dueAt) ? s : a), undefined);
  let schedule = c.schedule;
  if (planned && previous) {
    let due = addLocalDays(ms(previous.dueAt), everyDays, c.protocol.timeZone);
    while (due < e.at) due = addLocalDays(due, 1, c.protocol.timeZone);
    schedule = c.schedule.map((s) => (s.number === planned.number ? { ...s, dueAt: iso(due) } : s));
  }
  return { maintenance: { ...c.maintenance, everyDays }, schedule };
};

export const recordCheckIn = (c: Ctx, e: MachineEvent): Update => ({ maintenance: { ...c.maintenance, checkIns: [...c.maintenance.checkIns, stamp(e)] } });

// ---------------------------------------------------------------- holds and endings

export function placeHold(c: Ctx, e: MachineEvent, signal: HoldSignal): Update {
  const closed = closeOpenSession(c, e, `treatment on hold: ${signal}`);
  const base: HoldRecord = c.hold ?? { ...stamp(e), signals: [], review: null };
  return { ...closed, hold: { ...base, signals: [...base.signals, { ...stamp(e), signal }] } };
}

export const resolveHold = (c: Ctx, e: MachineEvent): Update => {
  const p = as<'hold.reviewed'>(e);
  if (!c.hold) return {};
  return { hold: null, holds: [...c.holds, { ...c.hold, review: { ...stamp(e), decision: p.decision, reason: p.reason } }] };
};

export function endJourney(c: Ctx, e: MachineEvent, kind: 'completed' | 'discontinued' | 'closed', reason: string): Update {
  const closed = closeOpenSession(c, e, `journey ${kind}: ${reason}`);
  const cancelled = (closed.schedule ?? c.schedule).map((s) => (s.status === 'planned' ? { ...s, status: 'cancelled' as const } : s));
  return { ...closed, schedule: cancelled, outcome: { ...stamp(e), kind, reason } };
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
