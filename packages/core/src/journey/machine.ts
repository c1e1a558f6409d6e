import { and, assign, cancel, emit, enqueueActions, raise, setup } from 'xstate';
import { guardsFrom } from '../engine/guardRule.js';
import type { KetamineJourneyContext, KetamineMachineInput } from './context.js';
import { initialKetamineContext } from './context.js';
import * as u from './contextUpdates.js';
import type { MachineEvent } from './contextUpdates.js';
import { ketamineJourneyRules } from './guards.js';
import { ketamineRoutingConditions, vitalsDueAt } from './routingConditions.js';
import { iso, ms, nextPlannedSession, primaryInstrumentOf, routeProtocolOf } from './queries.js';
import type { KetamineEffect } from './effects.js';
import { remsMonitoringForm } from './remsMonitoringForm.js';
import { lazyInstance } from '../lazyInstance.js';

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

/** The routing conditions as XState guard implementations. */
const routingGuards = Object.fromEntries(Object.entries(ketamineRoutingConditions).map(([name, c]) => [name, ({ context, event }: Args) => c.check(context, event)])) as {
  [K in keyof typeof ketamineRoutingConditions]: (args: Args) => boolean;
};

const timerEvent = (type: string, payload: Record<string, unknown> = {}): MachineEvent => ({ type, ...payload }) as unknown as MachineEvent;

function alertPayload(c: Ctx, e: MachineEvent, kind: string, reason: string, extra: Record<string, unknown> = {}): Emitted {
  return { type: 'safety.alert', kind, reason, patientRef: c.patientRef, at: iso(e.at), ...(c.session ? { sessionNumber: c.session.number } : {}), ...extra };
}

/** Routes an ending (withdrawal, discontinuation) to a wait for outstanding REMS forms, or to its final state. */
const afterPendingEnding = [
  { guard: and(['pendingDiscontinuation', 'remsFormOutstanding']), target: '#discontinuedAwaitingRemsForms', actions: 'applyPendingEnding' },
  { guard: 'pendingDiscontinuation', target: '#discontinued', actions: 'applyPendingEnding' },
  { guard: and(['pendingWithdrawal', 'remsFormOutstanding']), target: '#closedAwaitingRemsForms', actions: 'applyPendingEnding' },
  { guard: 'pendingWithdrawal', target: '#closed', actions: 'applyPendingEnding' },
] as const;

/** The session cycle of a phase: waiting for the next planned session, the session itself, a missed-session review. */
function sessionCycle(phase: 'induction' | 'maintenance') {
  const next = `#${phase}.next`;
  const ending = phase === 'maintenance' ? { 'maintenance.ended': { guard: 'remsFormsSubmitted', target: '#completed', actions: 'completeJourney' } as const } : {};
  return {
    waiting: {
      // Every change of the schedule re-enters this state, so the no-show timer always belongs to the next planned session.
      entry: 'armNoShowTimer',
      exit: 'cancelNoShowTimer',
      on: {
        'session.checkedIn': { guard: 'checkInOpen', target: 'session', actions: 'openSession' },
        'session.rescheduled': { guard: 'rescheduleValid', target: 'waiting', reenter: true, actions: 'reschedule' },
        'session.cancelled': { target: 'next', actions: ['cancelPlannedSession'] },
        'session.noShow': { guard: 'noShowApplies', target: 'next', actions: ['markNoShow', 'alertMissedSession'] },
        ...(phase === 'maintenance' ? { 'maintenance.cadenceChanged': { target: 'waiting', reenter: true, actions: 'changeCadence' } as const } : {}),
        ...ending,
      },
    },
    missedReview: {
      on: {
        'session.missedReviewed': { guard: 'missedReviewValid', target: 'next', actions: 'applyMissedReview' },
        ...ending,
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
            'predose.medicationsConfirmed': { guard: 'recordedBySessionStaff', actions: 'recordMedicationsConfirmed' },
            'predose.doseDeviationApproved': { actions: 'recordDoseDeviation' },
            'dose.recorded': { guard: 'preDoseChecksPassed', target: 'dosed', actions: 'recordDose' },
            'session.cancelled': { target: next, actions: 'cancelCurrentSession' },
          },
        },
        // From the dose on, the patient stays here, observed, until discharge or a recorded
        // transfer, whatever else happens: stops, holds and endings are recorded and take effect
        // when the session ends.
        dosed: {
          initial: 'monitoring',
          entry: ['armObservationTimer', 'armBpCheckTimer', 'armVitalsTimer'],
          exit: ['cancelObservationTimer', 'cancelBpCheckTimer', 'cancelVitalsTimer'],
          on: {
            'monitoring.vitalsRecorded': [
              {
                guard: and(['recordedBySessionStaff', 'readingTimeValid', 'stopRuleHitByReading']),
                actions: ['recordMonitoringVitals', 'armVitalsTimer', 'stopForStopRule', 'alertStopRule'],
              },
              { guard: and(['recordedBySessionStaff', 'readingTimeValid']), actions: ['recordMonitoringVitals', 'armVitalsTimer'] },
            ],
            'monitoring.vitalsOverdue': { guard: 'vitalsOverdueApplies', actions: ['markVitalsOverdue', 'alertVitalsOverdue'] },
            'monitoring.sedationRecorded': { guard: and(['recordedBySessionStaff', 'readingTimeValid']), actions: 'recordSedation' },
            'monitoring.dissociationRecorded': { guard: and(['recordedBySessionStaff', 'readingTimeValid']), actions: 'recordDissociation' },
            'monitoring.adverseEventRecorded': [
              { guard: and(['recordedBySessionStaff', 'seriousAdverseEvent']), actions: ['recordAdverseEvent', 'holdForSeriousAdverseEvent', 'alertHold'] },
              { guard: 'recordedBySessionStaff', actions: 'recordAdverseEvent' },
            ],
            'monitoring.bpCheckDue': { actions: ['markBpCheckDue', 'remindBpCheck'] },
            'monitoring.bpCheckMissed': { guard: 'bpCheckWindowPassed', actions: 'recordBpCheckMissed' },
            'session.aborted': { actions: ['stopAborted', 'alertSessionAborted'] },
            'safety.signalReported': { actions: ['holdForSignal', 'alertHold'] },
            'assessment.recorded': [
              { guard: 'suicidalityForHold', actions: ['addFollowUpAssessment', 'holdForSuicidality', 'alertHold'] },
              { actions: ['addFollowUpAssessment', 'reviewResponseHeld'] },
            ],
            'treatment.discontinued': { actions: ['pendDiscontinuation', 'alertEndingAfterSession'] },
            'journey.withdrawn': { actions: ['pendWithdrawal', 'alertEndingAfterSession'] },
            'session.discharged': { guard: 'dischargeCriteriaMet', target: 'ended', actions: ['dischargeSession', 'fileRemsForms'] },
            // A transfer of care puts treatment on hold until a physician reviews it.
            'session.escalated': { target: 'ended', actions: ['escalateSession', 'holdForTransfer', 'alertTransfer', 'fileRemsForms'] },
          },
          states: {
            monitoring: {
              on: { 'session.observationElapsed': { guard: 'observationTimeReached', target: 'readyForDischarge', actions: 'markObservationElapsed' } },
            },
            readyForDischarge: {},
          },
        },
        // The session has ended: an ending or a hold recorded during it takes effect now.
        ended: {
          always: [...afterPendingEnding, { guard: 'holdInEffect', target: '#onHold' }, { target: next }],
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

// Creating the statechart walks every state node; it is done on first use, once per process.
const buildMachine = () =>
  setup({
    types: {} as { context: Ctx; events: MachineEvent; input: KetamineMachineInput; emitted: KetamineEffect | Emitted },
    guards: {
      ...guardsFrom(ketamineJourneyRules),
      ...routingGuards,
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
      cancelPlannedSession: update(u.cancelPlannedSession),
      markNoShow: update(u.markNoShow),
      applyMissedReview: update(u.applyMissedReview),
      armNoShowTimer: enqueueActions(({ context, event, enqueue }: Args & { enqueue: any }) => {
        const next = nextPlannedSession(context);
        if (!next) return;
        enqueue.raise(timerEvent('session.noShow', { sessionNumber: next.number }), {
          id: 'session-no-show',
          delay: later(ms(next.dueAt) + context.protocol.noShowGraceMinutes * MIN, event.at),
        });
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
      recordMedicationsConfirmed: update(u.recordMedicationsConfirmed),
      recordDoseDeviation: update(u.recordDoseDeviation),
      recordDose: update(u.recordDose),
      cancelCurrentSession: update(u.cancelCurrentSession),
      armObservationTimer: raise(({ context }: Args) => timerEvent('session.observationElapsed', { sessionNumber: context.session?.number ?? 0 }), {
        id: 'session-observation',
        delay: ({ context }: Args) => (context.session?.observationMinutes ?? 0) * MIN,
      }),
      cancelObservationTimer: cancel('session-observation'),
      armBpCheckTimer: enqueueActions(({ context, enqueue }: Args & { enqueue: any }) => {
        const minute = routeProtocolOf(context)?.monitoring.bpCheckAtMinutes;
        if (minute === null || minute === undefined) return;
        enqueue.raise({ type: 'monitoring.bpCheckDue', sessionNumber: context.session?.number ?? 0, minute }, { id: 'session-bp-check', delay: minute * MIN });
      }),
      cancelBpCheckTimer: cancel('session-bp-check'),
      // Re-armed after every reading: due one cadence (plus the check tolerance) after the latest reading, or the dose.
      armVitalsTimer: enqueueActions(({ context, event, enqueue }: Args & { enqueue: any }) => {
        const every = routeProtocolOf(context)?.monitoring.vitalsEveryMinutes;
        if (every === null || every === undefined || !context.session?.dose) return;
        enqueue.raise(timerEvent('monitoring.vitalsOverdue', { sessionNumber: context.session.number }), { id: 'session-vitals', delay: later(vitalsDueAt(context), event.at) });
      }),
      cancelVitalsTimer: cancel('session-vitals'),
      markVitalsOverdue: update(u.markVitalsOverdue),
      alertVitalsOverdue: emit(({ context, event }: Args) => ({
        type: 'care.alert',
        kind: 'vitals-overdue',
        patientRef: context.patientRef,
        sessionNumber: event['sessionNumber'],
        everyMinutes: routeProtocolOf(context)?.monitoring.vitalsEveryMinutes ?? null,
        at: iso(event.at),
      })),
      markBpCheckDue: update(u.markBpCheckDue),
      recordBpCheckMissed: update(u.recordBpCheckMissed),
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
      stopForStopRule: assign(({ context, event }: Args) => u.stopSession(context, event, 'stop-rule', `stop rule: ${u.sessionStopRule(context) ?? 'hit'}`)),
      alertStopRule: emit(({ context, event }: Args) =>
        alertPayload(context, event, 'stop-rule', `Session stopped: ${u.sessionStopRule(context) ?? 'a stop rule was hit'}. No further dosing; keep monitoring until discharge or transfer`),
      ),
      stopAborted: assign(({ context, event }: Args) => u.stopSession(context, event, 'aborted', String(event['reason']))),
      alertSessionAborted: emit(({ context, event }: Args) =>
        alertPayload(context, event, 'session-aborted', `Session stopped: ${String(event['reason'])}. No further dosing; keep monitoring until discharge or transfer`),
      ),
      escalateSession: update(u.escalateSession),
      alertTransfer: emit(({ context, event }: Args) =>
        alertPayload(context, event, 'transfer', `Patient transferred to ${String(event['destination'])} (${String(event['reference'])})`, {
          sessionNumber: event['sessionNumber'] ?? context.sessions[context.sessions.length - 1]?.number,
        }),
      ),
      pendDiscontinuation: assign(({ context, event }: Args) => u.pendEnding(context, event, 'discontinued')),
      pendWithdrawal: assign(({ context, event }: Args) => u.pendEnding(context, event, 'closed')),
      alertEndingAfterSession: emit(({ context, event }: Args) => ({
        type: 'care.alert',
        kind: 'ending-after-session',
        patientRef: context.patientRef,
        sessionNumber: context.session?.number ?? null,
        ending: context.pendingEnding?.kind ?? null,
        at: iso(event.at),
      })),
      applyPendingEnding: assign(({ context, event }: Args) =>
        context.pendingEnding ? u.endJourney(context, event, context.pendingEnding.kind, context.pendingEnding.reason) : {},
      ),
      /** Announces every REMS form not yet announced (added when its dosed esketamine session ended): emits its data and arms its due timer. */
      fileRemsForms: enqueueActions(({ context, event, enqueue }: Args & { enqueue: any }) => {
        const fresh = u.unannouncedRemsForms(context);
        if (fresh.length === 0) return;
        for (const form of fresh) {
          enqueue.emit({ type: 'rems.formDue', ...(form.form ?? remsMonitoringForm(context, form.sessionNumber)) });
          enqueue.raise({ type: 'rems.formOverdue', sessionNumber: form.sessionNumber }, { id: `rems-form-${form.sessionNumber}`, delay: later(ms(form.dueAt), event.at) });
        }
        enqueue.assign({ tally: { ...context.tally, remsFiledThroughSession: Math.max(...fresh.map((f) => f.sessionNumber)) } });
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
      proposeResponse: emit(({ context, event }: Args) => ({
        type: 'response.proposed',
        patientRef: context.patientRef,
        ...(context.response ?? {}),
        at: iso(event.at),
      })),
      remindResponseAssessment: emit(({ context, event }: Args) => ({
        type: 'assessment.due',
        patientRef: context.patientRef,
        instrument: primaryInstrumentOf(context),
        reason: 'response-review',
        at: iso(event.at),
      })),
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
        reason: 'maintenance-reassessment',
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
      holdForTransfer: assign(({ context, event }: Args) => u.placeHold(context, event, 'transfer-of-care')),
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
                          // The library proposes (context.response); a physician decides.
                          evaluating: {
                            always: [
                              { guard: 'primaryFollowUpRecorded', target: 'clinicianDecision', actions: ['recordResponse', 'proposeResponse'] },
                              { target: 'awaitingAssessment', actions: 'remindResponseAssessment' },
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
                              'assessment.recorded': [
                                { guard: 'suicidalityForHold', target: '#onHold', actions: ['addFollowUpAssessment', 'holdForSuicidality', 'alertHold'] },
                                { actions: ['addFollowUpAssessment', 'recordResponse', 'proposeResponse'] },
                              ],
                              'response.decided': [
                                { guard: 'decisionIsMaintenance', target: '#maintenance', actions: 'recordResponseDecision' },
                                { guard: and(['decisionIsExtend', 'responseDecisionValid']), target: '#induction', actions: ['recordResponseDecision', 'extendInduction'] },
                                // Only an explicit discontinue ends treatment: a refused resume or extension never falls through to it.
                                {
                                  guard: and(['decisionIsDiscontinue', 'remsFormsOutstandingAtEnd']),
                                  target: '#discontinuedAwaitingRemsForms',
                                  actions: ['recordResponseDecision', 'discontinue', 'fileRemsForms'],
                                },
                                { guard: 'decisionIsDiscontinue', target: '#discontinued', actions: ['recordResponseDecision', 'discontinue', 'fileRemsForms'] },
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
                      // A new suicidality signal during a hold is added to it and alerts, like a reported signal.
                      'assessment.recorded': [
                        { guard: 'suicidalityForHold', actions: ['addFollowUpAssessment', 'holdForSuicidality', 'alertHold'] },
                        { actions: 'addFollowUpAssessment' },
                      ],
                      'checkIn.recorded': { actions: 'recordCheckIn' },
                      'hold.reviewed': [
                        { guard: and(['decisionIsResume', 'resumePlanValid']), target: '#course.resume', actions: 'resolveHold' },
                        {
                          guard: and(['decisionIsDiscontinue', 'remsFormsOutstandingAtEnd']),
                          target: '#discontinuedAwaitingRemsForms',
                          actions: ['resolveHold', 'discontinue', 'fileRemsForms'],
                        },
                        { guard: 'decisionIsDiscontinue', target: '#discontinued', actions: ['resolveHold', 'discontinue', 'fileRemsForms'] },
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

/**
 * The statechart of the ketamine-for-anxiety journey (DOMAIN.md): referral → care, a parallel
 * state of [clinical: intake → treatment (induction → response review → maintenance, or on hold)]
 * and [concurrent therapy] → completed | discontinued | closed (a discontinued or closed
 * esketamine journey first waits for its outstanding REMS forms). Timers are delayed raises that
 * the engine makes durable; guards are the clinical rules of `ketamineJourneyRules`.
 *
 * @example
 * ```ts
 * import { initialTransition } from 'xstate';
 * const [snapshot] = initialTransition(ketamineAnxietyMachine, startInput); // pure: the engine drives it this way
 * toMermaid(ketamineAnxietyMachine); // the state diagram
 * ```
 */
export const ketamineAnxietyMachine = lazyInstance(buildMachine);
