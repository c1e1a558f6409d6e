import { and, assign, cancel, emit, enqueueActions, raise, setup } from 'xstate';
import { guardsFrom } from '../engine/guardRule.js';
import type { KetamineJourneyContext, KetamineMachineInput } from './context.js';
import { initialKetamineContext } from './context.js';
import * as u from './contextUpdates.js';
import type { MachineEvent } from './contextUpdates.js';
import { ketamineJourneyRules } from './guards.js';
import { iso, ms, nextPlannedSession, plannedSessions, primaryInstrumentOf, routeProtocolOf } from './queries.js';
import { remsMonitoringForm } from './remsMonitoringForm.js';
import { stopRuleHit } from './stopRules.js';

type Ctx = KetamineJourneyContext;
type Args = { context: Ctx; event: MachineEvent };

const MIN = 60_000;
const DAY = 86_400_000;

/** Effects the journey emits to the engine bus (durable outbox items). */
type Emitted = { type: string; [key: string]: unknown };

const later = (dueAt: number, at: number): number => Math.max(0, dueAt - at);

/** A timer's event: the engine stamps `at` (the due time) and the system actor when it fires. */
/** An assign action from a context update of contextUpdates.ts. */
const update = (fn: (context: Ctx, event: MachineEvent) => Partial<Ctx>) =>
  assign<Ctx, MachineEvent, undefined, MachineEvent, never>(({ context, event }: Args) => fn(context, event));

/** Screening data may be recorded (and corrected) until eligibility is decided, in review too. */
const screeningRecords = {
  'screening.contraindicationsRecorded': { actions: 'recordContraindications' },
  'screening.vitalsRecorded': { actions: 'recordBaselineVitals' },
  'screening.medicationsReviewed': { actions: 'recordMedications' },
  'screening.selfReferralReviewed': { actions: 'recordExtraScreening' },
} as const;

const timerEvent = (type: string, payload: Record<string, unknown> = {}): MachineEvent => ({ type, ...payload }) as unknown as MachineEvent;

function suicidalityForHold(c: Ctx, e: MachineEvent): boolean {
  const { holdOnPhq9Item9AtLeast, holdOnCssrsRisk } = c.protocol.suicidality;
  if (e['instrument'] === 'PHQ-9' && holdOnPhq9Item9AtLeast !== null && typeof e['item9'] === 'number') return e['item9'] >= holdOnPhq9Item9AtLeast;
  if (e['instrument'] === 'C-SSRS') return holdOnCssrsRisk.includes(e['risk']);
  return false;
}

function suicidalityScreenPositive(e: MachineEvent): boolean {
  if (e['instrument'] === 'PHQ-9') return typeof e['item9'] === 'number' && e['item9'] > 0;
  if (e['instrument'] === 'C-SSRS') return e['risk'] === 'moderate' || e['risk'] === 'high';
  return false;
}

function alertPayload(c: Ctx, e: MachineEvent, kind: string, reason: string, extra: Record<string, unknown> = {}): Emitted {
  return { type: 'safety.alert', kind, reason, patientRef: c.patientRef, at: iso(e.at), ...(c.session ? { sessionNumber: c.session.number } : {}), ...extra };
}

/** The session cycle of a phase: waiting for the next planned session, the session itself, a missed-session review. */
function sessionCycle(phase: 'induction' | 'maintenance') {
  const next = `#${phase}.next`;
  return {
    waiting: {
      entry: 'armNoShowTimer',
      exit: 'cancelNoShowTimer',
      on: {
        'session.checkedIn': { guard: 'checkInOpen', target: 'session', actions: 'openSession' },
        'session.rescheduled': { guard: 'rescheduleValid', target: 'waiting', reenter: true, actions: 'reschedule' },
        'session.cancelled': { target: 'next', actions: ['cancelPlannedSession'] },
        'session.noShow': { guard: 'noShowApplies', target: 'next', actions: ['markNoShow', 'alertMissedSession'] },
        ...(phase === 'maintenance' ? { 'maintenance.ended': { guard: 'remsFormsSubmitted', target: '#completed', actions: 'completeJourney' } as const } : {}),
      },
    },
    missedReview: {
      on: {
        'session.missedReviewed': { guard: 'missedReviewValid', target: 'next', actions: 'applyMissedReview' },
        ...(phase === 'maintenance' ? { 'maintenance.ended': { guard: 'remsFormsSubmitted', target: '#completed', actions: 'completeJourney' } as const } : {}),
      },
    },
    session: {
      initial: 'preDose',
      states: {
        preDose: {
          on: {
            'predose.fastingConfirmed': { guard: 'recordedBySessionStaff', actions: 'recordFasting' },
            'predose.transportConfirmed': { guard: 'clinicSessionTransport', actions: 'recordTransport' },
            'predose.trustedAdultConfirmed': { guard: 'homeSessionTrustedAdult', actions: 'recordTrustedAdult' },
            'predose.vitalsRecorded': { guard: 'recordedBySessionStaff', actions: 'recordPreDoseVitals' },
            'predose.bpOverridden': { guard: 'bpOverrideApplies', actions: 'recordBpOverride' },
            'predose.contraindicationsChecked': [
              {
                guard: and(['recordedBySessionStaff', 'holdFindingReported']),
                target: '#onHold',
                actions: ['recordContraindicationCheck', 'holdForFinding', 'alertHold', 'fileRemsForms'],
              },
              { guard: 'recordedBySessionStaff', actions: 'recordContraindicationCheck' },
            ],
            'predose.findingCleared': { guard: 'findingToClear', actions: 'clearFinding' },
            'dose.recorded': { guard: 'preDoseChecksPassed', target: 'dosed', actions: 'recordDose' },
            'session.cancelled': { target: next, actions: 'cancelCurrentSession' },
          },
        },
        dosed: {
          initial: 'monitoring',
          entry: ['armObservationTimer', 'armBpCheckTimer'],
          exit: ['cancelObservationTimer', 'cancelBpCheckTimer'],
          on: {
            'monitoring.vitalsRecorded': [
              {
                guard: and(['recordedBySessionStaff', 'stopRuleHitByReading']),
                target: next,
                actions: ['recordMonitoringVitals', 'alertStopRule', 'abortForStopRule', 'fileRemsForms'],
              },
              { guard: 'recordedBySessionStaff', actions: 'recordMonitoringVitals' },
            ],
            'monitoring.sedationRecorded': { actions: 'recordSedation' },
            'monitoring.dissociationRecorded': { actions: 'recordDissociation' },
            'monitoring.adverseEventRecorded': [
              {
                guard: and(['recordedBySessionStaff', 'seriousAdverseEvent']),
                target: '#onHold',
                actions: ['recordAdverseEvent', 'holdForSeriousAdverseEvent', 'alertHold', 'fileRemsForms'],
              },
              { guard: 'recordedBySessionStaff', actions: 'recordAdverseEvent' },
            ],
            'monitoring.bpCheckDue': { actions: ['markBpCheckDue', 'remindBpCheck'] },
            'session.discharged': { guard: 'dischargeCriteriaMet', target: next, actions: ['dischargeSession', 'fileRemsForms'] },
            'session.aborted': { target: next, actions: ['alertSessionAborted', 'abortCurrentSession', 'fileRemsForms'] },
          },
          states: {
            monitoring: {
              on: { 'session.observationElapsed': { guard: 'observationTimeReached', target: 'readyForDischarge', actions: 'markObservationElapsed' } },
            },
            readyForDischarge: {},
          },
        },
      },
    },
  } as const;
}

/**
 * A discontinued or closed journey with esketamine REMS forms outstanding waits here for them
 * instead of ending: the forms stay a regulatory duty after treatment stops. Only the forms are
 * accepted (their overdue timers stay armed and alert as in care); the journey ends, as `done`,
 * once none is outstanding.
 */
function awaitingRemsForms(id: 'discontinuedAwaitingRemsForms' | 'closedAwaitingRemsForms', done: '#discontinued' | '#closed') {
  return {
    id,
    always: { guard: 'noRemsFormOutstanding', target: done },
    on: {
      'rems.formSubmitted': { guard: 'remsFormPending', actions: 'submitRemsForm' },
      'rems.formOverdue': { actions: ['markRemsOverdue', 'alertRemsOverdue'] },
    },
  } as const;
}

/**
 * The statechart of the ketamine-for-anxiety journey (DOMAIN.md): referral → care, a parallel
 * state of [clinical: intake → treatment (induction → response review → maintenance, or on hold)]
 * and [concurrent therapy] → completed | discontinued | closed (a discontinued or closed
 * esketamine journey first waits for its outstanding REMS forms). Timers are delayed raises that
 * the engine makes durable; guards are the clinical rules of `ketamineJourneyRules`.
 */
export const ketamineAnxietyMachine = setup({
  types: {} as { context: Ctx; events: MachineEvent; input: KetamineMachineInput; emitted: Emitted },
  guards: {
    ...guardsFrom(ketamineJourneyRules),
    outcomeEligible: ({ event }: Args) => event['outcome'] === 'eligible',
    outcomePhysicianReview: ({ event }: Args) => event['outcome'] === 'physician-review',
    outcomeIneligible: ({ event }: Args) => event['outcome'] === 'ineligible',
    holdFindingReported: ({ event }: Args) =>
      Array.isArray(event['newFindings']) && (event['newFindings'].includes('pregnancy') || event['newFindings'].includes('psychotic-symptoms')),
    stopRuleHitByReading: ({ context, event }: Args) => {
      const route = routeProtocolOf(context);
      if (!route || !context.session) return false;
      return stopRuleHit(u.recordMonitoringVitals(context, event).session?.vitals ?? [], route.stopRules) !== null;
    },
    seriousAdverseEvent: ({ event }: Args) => event['serious'] === true,
    suicidalityForHold: ({ context, event }: Args) => suicidalityForHold(context, event),
    suicidalityScreenPositive: ({ event }: Args) => suicidalityScreenPositive(event),
    missedReviewPending: ({ context }: Args) => context.missedSession !== null,
    inductionSessionPlanned: ({ context }: Args) => plannedSessions(context, 'induction').length > 0,
    responderAssessed: ({ context }: Args) => u.currentResponse(context, u.reviewWindowStart(context))?.responded === true,
    primaryFollowUpRecorded: ({ context }: Args) =>
      context.assessments.some((a) => a.phase === 'follow-up' && a.instrument === primaryInstrumentOf(context) && ms(a.at) >= u.reviewWindowStart(context)),
    decisionIsMaintenance: ({ event }: Args) => event['decision'] === 'maintenance',
    decisionIsExtend: ({ event }: Args) => event['decision'] === 'extend-induction',
    decisionIsResume: ({ event }: Args) => event['decision'] === 'resume',
    // Routes an ending (withdrawal, discontinuation) to a wait for REMS forms. It counts the form
    // the ending's own `fileRemsForms` adds for a dosed session it closes, so every ending files forms.
    remsFormsOutstandingAtEnd: ({ context, event }: Args) => u.remsFormsOutstandingAfterEnding(context, event).length > 0,
    therapyLapseDue: ({ context, event }: Args) => {
      const due = u.therapyLapseDueAt(context);
      return due !== null && event.at >= due;
    },
  },
  actions: {
    // referral and intake
    acceptReferral: update(u.acceptReferral),
    declineReferral: update(u.declineReferral),
    addConsultation: update(u.addConsultation),
    addBaselineAssessment: assign(({ context, event }: Args) => u.addAssessment(context, event, 'baseline')),
    addFollowUpAssessment: assign(({ context, event }: Args) => u.addAssessment(context, event, 'follow-up')),
    recordContraindications: update(u.recordContraindications),
    recordBaselineVitals: update(u.recordBaselineVitals),
    recordMedications: update(u.recordMedications),
    recordExtraScreening: update(u.recordExtraScreening),
    recordEligibility: update(u.recordEligibility),
    closeIneligible: update(u.closeIneligible),
    recordConsent: update(u.recordConsent),
    recordRemsEnrolment: update(u.recordRemsEnrolment),
    recordPlan: update(u.recordPlan),
    startInduction: update(u.startInduction),
    alertSuicidalityScreen: emit(({ context, event }: Args) =>
      alertPayload(context, event, 'suicidality-screen', `${String(event['instrument'])} needs immediate clinical follow-up`),
    ),

    // the schedule
    reschedule: update(u.reschedule),
    cancelPlannedSession: assign(({ context }: Args) => u.cancelPlannedSession(context)),
    markNoShow: update(u.markNoShow),
    applyMissedReview: update(u.applyMissedReview),
    armNoShowTimer: raise(({ context }: Args) => timerEvent('session.noShow', { sessionNumber: nextPlannedSession(context)?.number ?? 0 }), {
      id: 'session-no-show',
      delay: ({ context, event }: Args) => {
        const next = nextPlannedSession(context);
        return next ? later(ms(next.dueAt) + context.protocol.noShowGraceMinutes * MIN, event.at) : 0;
      },
    }),
    cancelNoShowTimer: cancel('session-no-show'),
    alertMissedSession: emit(({ context, event }: Args) => ({
      type: 'care.alert',
      kind: 'missed-session',
      patientRef: context.patientRef,
      sessionNumber: event['sessionNumber'],
      at: iso(event.at),
      needsClinicianReview: context.missedSession !== null,
    })),

    // a session
    openSession: update(u.openSession),
    recordFasting: update(u.recordFasting),
    recordTransport: update(u.recordTransport),
    recordTrustedAdult: update(u.recordTrustedAdult),
    recordPreDoseVitals: update(u.recordPreDoseVitals),
    recordBpOverride: update(u.recordBpOverride),
    recordContraindicationCheck: update(u.recordContraindicationCheck),
    clearFinding: update(u.clearFinding),
    recordDose: update(u.recordDose),
    cancelCurrentSession: assign(({ context, event }: Args) => u.endSession(context, event, 'cancelled', String(event['reason'] ?? 'cancelled'))),
    armObservationTimer: raise(({ context }: Args) => timerEvent('session.observationElapsed', { sessionNumber: context.session?.number ?? 0 }), {
      id: 'session-observation',
      delay: ({ context }: Args) => (context.session?.observationMinutes ?? 0) * MIN,
    }),
    cancelObservationTimer: cancel('session-observation'),
    armBpCheckTimer: enqueueActions(({ context, enqueue }: Args & { enqueue: any }) => {
      const minute = routeProtocolOf(context)?.monitoring.bpCheckAtMinutes;
      if (minute === null || minute === undefined || !routeProtocolOf(context)?.monitoring.clinicMonitoring) return;
      enqueue.raise({ type: 'monitoring.bpCheckDue', sessionNumber: context.session?.number ?? 0, minute }, { id: 'session-bp-check', delay: minute * MIN });
    }),
    cancelBpCheckTimer: cancel('session-bp-check'),
    markBpCheckDue: update(u.markBpCheckDue),
    remindBpCheck: emit(({ context, event }: Args) => ({
      type: 'monitoring.checkDue',
      patientRef: context.patientRef,
      sessionNumber: event['sessionNumber'],
      minute: event['minute'],
      at: iso(event.at),
    })),
    recordMonitoringVitals: update(u.recordMonitoringVitals),
    recordSedation: update(u.recordSedation),
    recordDissociation: update(u.recordDissociation),
    recordAdverseEvent: update(u.recordAdverseEvent),
    markObservationElapsed: update(u.markObservationElapsed),
    dischargeSession: update(u.dischargeSession),
    // The reading is already recorded when these run.
    alertStopRule: emit(({ context, event }: Args) => {
      const route = routeProtocolOf(context);
      const reason = route ? stopRuleHit(context.session?.vitals ?? [], route.stopRules) : null;
      return alertPayload(context, event, 'stop-rule', `Session aborted: ${reason ?? 'a stop rule was hit'}`);
    }),
    abortForStopRule: assign(({ context, event }: Args) => {
      const route = routeProtocolOf(context);
      const reason = route ? stopRuleHit(context.session?.vitals ?? [], route.stopRules) : null;
      return u.endSession(context, event, 'aborted', `stop rule: ${reason ?? 'hit'}`);
    }),
    alertSessionAborted: emit(({ context, event }: Args) => alertPayload(context, event, 'session-aborted', String(event['reason']))),
    abortCurrentSession: assign(({ context, event }: Args) => u.endSession(context, event, 'aborted', String(event['reason']))),
    /** Adds the REMS monitoring form of every dosed esketamine session that ended, emits its data and arms its due timer. */
    fileRemsForms: enqueueActions(({ context, event, enqueue }: Args & { enqueue: any }) => {
      const update = u.addDueRemsForms(context);
      if (!update.rems) return;
      const known = new Set(context.rems.forms.map((f) => f.sessionNumber));
      enqueue.assign(update);
      const after = { ...context, ...update } as Ctx;
      for (const form of update.rems.forms.filter((f) => !known.has(f.sessionNumber))) {
        enqueue.emit({ type: 'rems.formDue', ...remsMonitoringForm(after, form.sessionNumber) });
        enqueue.raise({ type: 'rems.formOverdue', sessionNumber: form.sessionNumber }, { id: `rems-form-${form.sessionNumber}`, delay: later(ms(form.dueAt), event.at) });
      }
    }),
    submitRemsForm: enqueueActions(({ context, event, enqueue }: Args & { enqueue: any }) => {
      enqueue.assign(u.submitRemsForm(context, event));
      enqueue.cancel(`rems-form-${String(event['sessionNumber'])}`);
    }),
    markRemsOverdue: update(u.markRemsOverdue),
    alertRemsOverdue: emit(({ context, event }: Args) => ({
      type: 'care.alert',
      kind: 'rems-form-overdue',
      patientRef: context.patientRef,
      sessionNumber: event['sessionNumber'],
      at: iso(event.at),
    })),

    // response and maintenance
    markInductionEnded: update(u.markInductionEnded),
    recordResponse: update(u.recordResponse),
    recordResponseDecision: update(u.recordResponseDecision),
    extendInduction: update(u.extendInduction),
    startMaintenance: update(u.startMaintenance),
    planNextMaintenanceSession: update(u.planNextMaintenanceSession),
    changeCadence: update(u.changeCadence),
    recordCheckIn: update(u.recordCheckIn),
    armReassessment: raise(timerEvent('maintenance.reassessmentDue'), {
      id: 'maintenance-reassessment',
      delay: ({ context }: Args) => (routeProtocolOf(context)?.maintenance.reassessEveryWeeks ?? 4) * 7 * DAY,
    }),
    cancelReassessment: cancel('maintenance-reassessment'),
    remindReassessment: emit(({ context, event }: Args) => ({
      type: 'assessment.due',
      patientRef: context.patientRef,
      instrument: primaryInstrumentOf(context),
      at: iso(event.at),
    })),
    /** During maintenance, a primary-instrument result is compared with baseline; a lost response raises an alert. */
    reviewResponseHeld: enqueueActions(({ context, event, enqueue }: Args & { enqueue: any }) => {
      if (context.response === null || event['instrument'] !== primaryInstrumentOf(context)) return;
      const result = u.currentResponse(context, event.at);
      if (!result) return;
      enqueue.assign({ response: { ...result, at: iso(event.at) } });
      if (!result.responded) {
        enqueue.emit({
          type: 'care.alert',
          kind: 'response-not-held',
          patientRef: context.patientRef,
          instrument: result.instrument,
          baseline: result.baseline,
          current: result.current,
          at: iso(event.at),
        });
      }
    }),

    // holds and endings
    holdForFinding: assign(({ context, event }: Args) =>
      u.placeHold(context, event, (event['newFindings'] as string[]).includes('pregnancy') ? 'pregnancy' : 'psychotic-symptoms'),
    ),
    holdForSeriousAdverseEvent: assign(({ context, event }: Args) => u.placeHold(context, event, 'serious-adverse-event')),
    holdForSuicidality: assign(({ context, event }: Args) => u.placeHold(context, event, 'suicidality')),
    holdForSignal: assign(({ context, event }: Args) => u.placeHold(context, event, event['signal'])),
    alertHold: emit(({ context, event }: Args) => {
      const signal = context.hold?.signals[context.hold.signals.length - 1]?.signal ?? 'hold';
      return alertPayload(context, event, 'hold', `Treatment on hold (${signal}): a clinician must review before any further dose`, { signal });
    }),
    resolveHold: update(u.resolveHold),
    discontinue: assign(({ context, event }: Args) => u.endJourney(context, event, 'discontinued', String(event['reason'] ?? 'discontinued'))),
    completeJourney: assign(({ context, event }: Args) => u.endJourney(context, event, 'completed', String(event['reason'] ?? 'completed'))),
    withdraw: assign(({ context, event }: Args) => u.endJourney(context, event, 'closed', `withdrew${event['reason'] ? `: ${String(event['reason'])}` : ''}`)),

    // concurrent therapy
    linkTherapist: update(u.linkTherapist),
    recordTherapySession: update(u.recordTherapySession),
    recordTherapyLapse: assign(({ context }: Args) => u.recordTherapyLapse(context)),
    endTherapy: update(u.endTherapy),
    armLapseTimer: raise(timerEvent('therapy.lapsed'), {
      id: 'therapy-lapse',
      delay: ({ context, event }: Args) => later(u.therapyLapseDueAt(context) ?? event.at, event.at),
    }),
    cancelLapseTimer: cancel('therapy-lapse'),
    alertTherapyLapse: emit(({ context, event }: Args) => ({
      type: 'care.alert',
      kind: 'therapy-lapse',
      patientRef: context.patientRef,
      lastAttendedAt: context.therapy.lastAttendedAt,
      gapDays: context.protocol.therapy.lapseAfterDays,
      at: iso(event.at),
    })),
  },
}).createMachine({
  id: 'ketamineAnxiety',
  context: ({ input }) => initialKetamineContext(input),
  initial: 'referral',
  // Withdrawal is open in referral and care, not on the root: a journey already discontinued or
  // closed that waits for REMS forms has ended clinically and must not be withdrawn again.
  states: {
    referral: {
      on: {
        'referral.accepted': { target: 'care', actions: 'acceptReferral' },
        'referral.declined': { target: 'closed', actions: 'declineReferral' },
        'journey.withdrawn': { target: 'closed', actions: ['withdraw', 'fileRemsForms'] },
      },
    },
    care: {
      type: 'parallel',
      on: {
        'journey.withdrawn': [
          { guard: 'remsFormsOutstandingAtEnd', target: '#closedAwaitingRemsForms', actions: ['withdraw', 'fileRemsForms'] },
          { target: '#closed', actions: ['withdraw', 'fileRemsForms'] },
        ],
        'rems.formSubmitted': { guard: 'remsFormPending', actions: 'submitRemsForm' },
        'rems.formOverdue': { actions: ['markRemsOverdue', 'alertRemsOverdue'] },
      },
      states: {
        clinical: {
          initial: 'intake',
          states: {
            intake: {
              initial: 'screening',
              on: {
                'consultation.recorded': { actions: 'addConsultation' },
                'assessment.recorded': [
                  { guard: 'suicidalityScreenPositive', actions: ['addBaselineAssessment', 'alertSuicidalityScreen'] },
                  { actions: 'addBaselineAssessment' },
                ],
              },
              states: {
                screening: {
                  on: {
                    ...screeningRecords,
                    'eligibility.decided': [
                      { guard: and(['outcomeEligible', 'eligibleDecisionAllowed']), target: 'planning', actions: 'recordEligibility' },
                      { guard: 'outcomePhysicianReview', target: 'physicianReview', actions: 'recordEligibility' },
                      { guard: and(['outcomeIneligible', 'ineligibleDecidedByPhysician']), target: '#closed', actions: ['recordEligibility', 'closeIneligible'] },
                    ],
                  },
                },
                physicianReview: {
                  on: {
                    ...screeningRecords,
                    'eligibility.decided': [
                      { guard: and(['outcomeEligible', 'eligibleDecisionAllowed']), target: 'planning', actions: 'recordEligibility' },
                      { guard: and(['outcomeIneligible', 'ineligibleDecidedByPhysician']), target: '#closed', actions: ['recordEligibility', 'closeIneligible'] },
                      { guard: 'physicianReviewNeedsDecision' },
                    ],
                  },
                },
                planning: {
                  on: {
                    'consent.recorded': { actions: 'recordConsent' },
                    'rems.enrolled': { actions: 'recordRemsEnrolment' },
                    'plan.recorded': { guard: 'planWithinProtocol', actions: 'recordPlan' },
                    'induction.started': { guard: 'readyForInduction', target: '#induction', actions: 'startInduction' },
                  },
                },
              },
            },
            treatment: {
              initial: 'course',
              states: {
                course: {
                  id: 'course',
                  initial: 'induction',
                  on: {
                    'safety.signalReported': { target: '#onHold', actions: ['holdForSignal', 'alertHold', 'fileRemsForms'] },
                    'assessment.recorded': [
                      { guard: 'suicidalityForHold', target: '#onHold', actions: ['addFollowUpAssessment', 'holdForSuicidality', 'alertHold', 'fileRemsForms'] },
                      { actions: ['addFollowUpAssessment', 'reviewResponseHeld'] },
                    ],
                    'checkIn.recorded': { actions: 'recordCheckIn' },
                    'treatment.discontinued': [
                      { guard: 'remsFormsOutstandingAtEnd', target: '#discontinuedAwaitingRemsForms', actions: ['discontinue', 'fileRemsForms'] },
                      { target: '#discontinued', actions: ['discontinue', 'fileRemsForms'] },
                    ],
                  },
                  states: {
                    induction: {
                      id: 'induction',
                      initial: 'next',
                      on: {
                        'session.rescheduled': { guard: 'rescheduleValid', actions: 'reschedule' },
                      },
                      states: {
                        next: {
                          always: [
                            { guard: 'missedReviewPending', target: 'missedReview' },
                            { guard: 'inductionSessionPlanned', target: 'waiting' },
                            { target: '#responseReview', actions: 'markInductionEnded' },
                          ],
                        },
                        ...sessionCycle('induction'),
                      },
                    },
                    responseReview: {
                      id: 'responseReview',
                      initial: 'evaluating',
                      states: {
                        evaluating: {
                          always: [
                            { guard: 'responderAssessed', target: '#maintenance', actions: 'recordResponse' },
                            { guard: 'primaryFollowUpRecorded', target: 'clinicianDecision', actions: 'recordResponse' },
                            { target: 'awaitingAssessment' },
                          ],
                        },
                        awaitingAssessment: {
                          on: {
                            'assessment.recorded': [
                              { guard: 'suicidalityForHold', target: '#onHold', actions: ['addFollowUpAssessment', 'holdForSuicidality', 'alertHold'] },
                              { target: 'evaluating', actions: 'addFollowUpAssessment' },
                            ],
                          },
                        },
                        clinicianDecision: {
                          on: {
                            'response.decided': [
                              { guard: 'decisionIsMaintenance', target: '#maintenance', actions: 'recordResponseDecision' },
                              { guard: 'decisionIsExtend', target: '#induction', actions: ['recordResponseDecision', 'extendInduction'] },
                              {
                                guard: 'remsFormsOutstandingAtEnd',
                                target: '#discontinuedAwaitingRemsForms',
                                actions: ['recordResponseDecision', 'discontinue', 'fileRemsForms'],
                              },
                              { target: '#discontinued', actions: ['recordResponseDecision', 'discontinue', 'fileRemsForms'] },
                            ],
                          },
                        },
                      },
                    },
                    maintenance: {
                      id: 'maintenance',
                      initial: 'next',
                      entry: ['startMaintenance', 'armReassessment'],
                      exit: 'cancelReassessment',
                      on: {
                        'session.rescheduled': { guard: 'rescheduleValid', actions: 'reschedule' },
                        'maintenance.cadenceChanged': { actions: 'changeCadence' },
                        'maintenance.reassessmentDue': { actions: ['remindReassessment', 'armReassessment'] },
                      },
                      states: {
                        next: {
                          always: [{ guard: 'missedReviewPending', target: 'missedReview' }, { target: 'waiting', actions: 'planNextMaintenanceSession' }],
                        },
                        ...sessionCycle('maintenance'),
                      },
                    },
                    resume: { type: 'history', history: 'shallow' },
                  },
                },
                onHold: {
                  id: 'onHold',
                  on: {
                    'safety.signalReported': { actions: ['holdForSignal', 'alertHold'] },
                    'assessment.recorded': { actions: 'addFollowUpAssessment' },
                    'checkIn.recorded': { actions: 'recordCheckIn' },
                    'hold.reviewed': [
                      { guard: 'decisionIsResume', target: '#course.resume', actions: 'resolveHold' },
                      { guard: 'remsFormsOutstandingAtEnd', target: '#discontinuedAwaitingRemsForms', actions: ['resolveHold', 'discontinue', 'fileRemsForms'] },
                      { target: '#discontinued', actions: ['resolveHold', 'discontinue', 'fileRemsForms'] },
                    ],
                    'treatment.discontinued': [
                      { guard: 'remsFormsOutstandingAtEnd', target: '#discontinuedAwaitingRemsForms', actions: ['resolveHold', 'discontinue', 'fileRemsForms'] },
                      { target: '#discontinued', actions: ['resolveHold', 'discontinue', 'fileRemsForms'] },
                    ],
                  },
                },
              },
            },
          },
        },
        therapy: {
          initial: 'notLinked',
          states: {
            notLinked: {
              on: { 'therapy.linked': { target: 'active', actions: 'linkTherapist' } },
            },
            active: {
              entry: 'armLapseTimer',
              exit: 'cancelLapseTimer',
              on: {
                'therapy.sessionAttended': { guard: 'therapySessionNotInFuture', target: 'active', reenter: true, actions: 'recordTherapySession' },
                'therapy.linked': { target: 'active', reenter: true, actions: 'linkTherapist' },
                'therapy.lapsed': { guard: 'therapyLapseDue', target: 'lapsed', actions: ['recordTherapyLapse', 'alertTherapyLapse'] },
                'therapy.ended': { target: 'ended', actions: 'endTherapy' },
              },
            },
            lapsed: {
              on: {
                'therapy.sessionAttended': { guard: 'therapySessionNotInFuture', target: 'active', actions: 'recordTherapySession' },
                'therapy.linked': { target: 'active', actions: 'linkTherapist' },
                'therapy.ended': { target: 'ended', actions: 'endTherapy' },
              },
            },
            ended: {
              on: { 'therapy.linked': { target: 'active', actions: 'linkTherapist' } },
            },
          },
        },
      },
    },
    discontinuedAwaitingRemsForms: awaitingRemsForms('discontinuedAwaitingRemsForms', '#discontinued'),
    closedAwaitingRemsForms: awaitingRemsForms('closedAwaitingRemsForms', '#closed'),
    completed: { id: 'completed', type: 'final' },
    discontinued: { id: 'discontinued', type: 'final' },
    closed: { id: 'closed', type: 'final' },
  },
});
