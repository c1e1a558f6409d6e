import { guardRule, type StampedEvent } from '../engine/guardRule.js';
import type { KetamineJourneyContext } from './context.js';
import type { KetamineEventPayload, KetamineEventType } from './events.js';
import { closedDayReason } from './clinicCalendar.js';
import { ESKETAMINE_LABEL } from './esketamineLabel.js';
import { KETAMINE_RULE_CONSTANTS } from './ruleConstants.js';
import { HOUR_MS, MINUTE_MS } from './timeUnits.js';
import {
  bpCheckRecorded,
  bpCheckWindow,
  dischargeProblems,
  doseProblems,
  excludingContraindications,
  formatInstant,
  formatMinutes,
  ms,
  nextPlannedSession,
  openDaysOf,
  outstandingBlocking,
  outstandingRemsForms,
  plannedSessions,
  preDoseProblems,
  routeProtocolOf,
  screeningGaps,
  uncoveredHighReadings,
} from './queries.js';
import { freezeNew } from '../store/freezeNew.js';

// The clinical rules of the journey, used as the machine's named guards. A rule returns true, or
// the reason it refuses in a clinician's words; the engine reports that reason on refusal and, for
// rules with `scope: 'context'`, explains in `engine.get` why an event is blocked now.
//
// Several rules combine context checks with checks of the event's payload. `engine.get` evaluates
// them with a probe event that carries no payload, so the payload part runs only when the payload
// is present (every real event carries it: its schema requires the field).
//
// A rule combined with a routing condition (`and(['outcomeEligible', 'eligibleDecisionAllowed'])`)
// passes when its own case does not apply, so that explaining a refusal never blames a rule for a
// branch the event did not take.

type Ctx = KetamineJourneyContext;
type Ev<K extends KetamineEventType = KetamineEventType> = StampedEvent<K, KetamineEventPayload<K>>;
type AnyEv = StampedEvent & Record<string, unknown>;

const join = (problems: readonly string[]): true | string => (problems.length === 0 ? true : problems.join('; '));
const hasPayload = (event: AnyEv, key: string): boolean => Object.hasOwn(event, key);

/** Problems with an explicitly booked session time: it must lie ahead and on an open clinic day. */
function bookingProblems(context: Ctx, at: number, instant: string, what: string): string[] {
  const t = ms(instant);
  const problems: string[] = [];
  if (t <= at) problems.push(`${what} ${formatInstant(t, context)} is not ahead: book a future time`);
  const closed = closedDayReason(t, openDaysOf(context));
  if (closed !== null) problems.push(`${what} ${formatInstant(t, context)}: ${closed}`);
  return problems;
}

/** Patients record only their own at-home sessions; in-clinic sessions are recorded by staff. */
function patientOnlyAtHome(context: Ctx, event: AnyEv): string[] {
  if (event.actor?.role !== 'patient') return [];
  return routeProtocolOf(context)?.setting === 'home' ? [] : ['In-clinic sessions are recorded by clinic staff, not by the patient'];
}

/**
 * The clinical rules of the ketamine-for-anxiety journey, by name: each has a description a clinician can read
 * and a check that refuses an event with a reason (e.g. no dose without passed pre-dose checks). docs/journey.md
 * lists them with the protocol settings they read.
 *
 * @example
 * ```ts
 * ketamineJourneyRules.preDoseChecksPassed.description; // the rule in a clinician's words
 * const r = await engine.send(id, { type: 'dose.recorded', medication: 'racemic-ketamine', amountMg: 34, lot: 'KX-1', administration: 'staff-administered' }, { actor: nurse });
 * if (!r.ok && r.error.code === 'CJ_ERR_GUARD') r.error.details.guard; // one of these rule names
 * ```
 */
export const ketamineJourneyRules = freezeNew({
  eligibleDecisionAllowed: guardRule<Ctx, Ev<'eligibility.decided'>>({
    description: 'A physician finds the patient eligible once screening is complete and nothing rules the patient out',
    scope: 'event',
    check: ({ context, event }) => {
      if (event.outcome !== 'eligible') return true;
      const problems: string[] = [];
      if (event.actor.role !== 'physician') problems.push('Only a physician may find a patient eligible; others may refer the decision to a physician review');
      const gaps = screeningGaps(context);
      if (gaps.length > 0) problems.push(`Screening is not complete: ${gaps.join(', ')}`);
      const excluding = excludingContraindications(context);
      if (excluding.length > 0) problems.push(`Contraindicated under the clinic's protocol: ${excluding.join(', ')}`);
      return join(problems);
    },
  }),
  ineligibleDecidedByPhysician: guardRule<Ctx, Ev<'eligibility.decided'>>({
    description: 'Only a physician decides that a patient is ineligible',
    scope: 'event',
    check: ({ event }) => event.outcome !== 'ineligible' || event.actor.role === 'physician' || 'Only a physician may decide that a patient is ineligible; others may refer the decision to a physician review',
  }),
  physicianReviewNeedsDecision: guardRule<Ctx, Ev<'eligibility.decided'>>({
    description: 'A physician review ends with an eligible or ineligible decision',
    scope: 'event',
    check: ({ event }) =>
      event.outcome === 'physician-review'
        ? 'The patient is already waiting for a physician review: a physician decides eligible or ineligible'
        : 'The physician review needs a decision by a physician',
  }),
  planWithinProtocol: guardRule<Ctx, Ev<'plan.recorded'>>({
    description: `The plan keeps at least the route’s minimum observation, and its doses are the route’s allowed doses (esketamine: ${ESKETAMINE_LABEL.dosesMg.join(' or ')} mg, ${ESKETAMINE_LABEL.firstDoseMg} mg first, whole ${ESKETAMINE_LABEL.mgPerDevice} mg devices)`,
    scope: 'event',
    check: ({ context, event }) => {
      const route = context.protocol.routes[event.route];
      const problems: string[] = [];
      if (event.observationMinutes !== undefined && event.observationMinutes < route.observationMinutes) {
        problems.push(`${event.observationMinutes} min of observation is below the protocol's minimum of ${route.observationMinutes} min for the ${event.route} route`);
      }
      const { allowedDosesMg, firstDoseMg } = route.dosing;
      for (const step of event.dosePlan.steps) {
        if (allowedDosesMg !== null && (step.unit !== 'mg' || !allowedDosesMg.includes(step.amount))) {
          problems.push(`Session ${step.fromSession} on: ${step.amount} ${step.unit} is not an allowed dose on the ${event.route} route (${allowedDosesMg.map((d) => `${d} mg`).join(' or ')})`);
        }
        if (route.mgPerDevice !== null && step.devices !== undefined && step.unit === 'mg' && step.devices * route.mgPerDevice !== step.amount) {
          problems.push(`Session ${step.fromSession} on: ${step.devices} device(s) of ${route.mgPerDevice} mg make ${step.devices * route.mgPerDevice} mg, not ${step.amount} mg`);
        }
      }
      const first = [...event.dosePlan.steps].filter((s) => s.fromSession <= 1).sort((a, b) => b.fromSession - a.fromSession)[0];
      if (!first) problems.push('The dose plan gives no dose for session 1');
      else if (firstDoseMg !== null && (first.unit !== 'mg' || first.amount !== firstDoseMg)) {
        problems.push(`The first dose on the ${event.route} route is ${firstDoseMg} mg; the plan gives ${first.amount} ${first.unit}`);
      }
      return join(problems);
    },
  }),
  readyForInduction: guardRule<Ctx, AnyEv>({
    description: 'Induction starts only after eligibility, consent, a treatment plan and, for esketamine, REMS enrolment',
    scope: 'context',
    check: ({ context, event }) => {
      const problems: string[] = [];
      if (context.intake.eligibility?.outcome !== 'eligible') problems.push('The patient has not been found eligible');
      if (!context.intake.consent) problems.push('Consent has not been recorded');
      if (!context.plan) problems.push('No treatment plan has been recorded');
      else if (routeProtocolOf(context)?.requiresRems && !context.intake.remsEnrolment) {
        problems.push('The patient is not enrolled in the esketamine REMS');
      }
      if (hasPayload(event, 'firstSessionAt')) {
        const first = ms(event['firstSessionAt'] as string);
        const pastHours = KETAMINE_RULE_CONSTANTS.firstSessionMaxHoursInPast.value;
        if (first < event.at - pastHours * HOUR_MS) problems.push(`The first session cannot be booked more than ${pastHours} h in the past`);
        const closed = closedDayReason(first, openDaysOf(context));
        if (closed !== null) problems.push(`The first session ${formatInstant(first, context)}: ${closed}`);
      }
      return join(problems);
    },
  }),
  checkInOpen: guardRule<Ctx, AnyEv>({
    description: 'A planned session is due: its check-in has opened and its no-show grace has not passed',
    scope: 'context',
    check: ({ context, event }) => {
      const next = nextPlannedSession(context);
      if (!next) return 'No session is planned';
      const route = routeProtocolOf(context);
      const opens = ms(next.dueAt) - (route?.checkInOpensHoursBefore ?? 0) * HOUR_MS;
      if (event.at < opens) return `Session ${next.number} is due ${formatInstant(next.dueAt, context)}; check-in opens ${formatInstant(opens, context)}`;
      const closes = ms(next.dueAt) + context.protocol.noShowGraceMinutes * MINUTE_MS;
      if (event.at >= closes) {
        return `Session ${next.number} was due ${formatInstant(next.dueAt, context)}; its ${context.protocol.noShowGraceMinutes}-minute grace has passed, so it is missed: reschedule it`;
      }
      return join(patientOnlyAtHome(context, event));
    },
  }),
  rescheduleValid: guardRule<Ctx, Ev<'session.rescheduled'>>({
    description: 'Only a planned session moves, and only to a time ahead on an open clinic day',
    scope: 'event',
    check: ({ context, event }) => {
      const target = context.schedule.find((s) => s.number === event.sessionNumber);
      if (!target) return `There is no session ${event.sessionNumber}`;
      if (target.status !== 'planned') return `Session ${event.sessionNumber} is ${target.status}; only a planned session can be rescheduled`;
      return join(bookingProblems(context, event.at, event.to, 'The new time'));
    },
  }),
  missedReviewValid: guardRule<Ctx, Ev<'session.missedReviewed'>>({
    description: 'Return to the previous, more frequent schedule only for worsening symptoms, from a session ahead on an open day (maintenance: with the cadence)',
    scope: 'event',
    check: ({ context, event }) => {
      if (event.decision === 'keep-schedule') return true;
      if (!event.worsening) return 'Returning to the previous schedule is for worsening symptoms; with no worsening, keep the schedule';
      const problems = event.nextSessionAt === undefined ? [] : bookingProblems(context, event.at, event.nextSessionAt, 'The next session');
      if (context.missedSession?.phase === 'maintenance' && event.everyDays === undefined) problems.push('Returning to a more frequent maintenance schedule needs its cadence (everyDays)');
      return join(problems);
    },
  }),
  recordedBySessionStaff: guardRule<Ctx, AnyEv>({
    description: 'Patients record only their own at-home sessions',
    scope: 'context',
    check: ({ context, event }) => join(patientOnlyAtHome(context, event)),
  }),
  clinicSessionTransport: guardRule<Ctx, AnyEv>({
    description: 'A ride home with a responsible adult is confirmed for in-clinic sessions',
    scope: 'context',
    check: ({ context, event }) => {
      if (routeProtocolOf(context)?.setting !== 'clinic') return 'This is an at-home session: confirm the trusted adult instead';
      return join(patientOnlyAtHome(context, event));
    },
  }),
  homeSessionTrustedAdult: guardRule<Ctx, AnyEv>({
    description: 'A trusted adult is recorded for at-home sessions (one not meeting every condition blocks the dose)',
    scope: 'context',
    check: ({ context, event }) => {
      if (routeProtocolOf(context)?.setting !== 'home') return 'This is an in-clinic session: confirm the ride home with a responsible adult instead';
      return join(patientOnlyAtHome(context, event));
    },
  }),
  bpOverrideApplies: guardRule<Ctx, AnyEv>({
    description: 'An override applies to a pre-dose blood pressure above the limit that no override covers yet',
    scope: 'context',
    check: ({ context }) => {
      const session = context.session;
      const route = routeProtocolOf(context);
      const last = session?.preDose.vitals[session.preDose.vitals.length - 1];
      if (!session || !route || !last) return 'No pre-dose blood pressure is recorded';
      const limit = route.preDoseBpLimit;
      if (uncoveredHighReadings(session, limit).length === 0) {
        return `No pre-dose reading above the ${limit.systolic}/${limit.diastolic} limit is waiting for an override (last ${last.systolic}/${last.diastolic})`;
      }
      return true;
    },
  }),
  findingToClear: guardRule<Ctx, AnyEv>({
    description: 'A record that blocks the dose (a new finding, a ride or trusted adult not confirmed) is waiting for a physician',
    scope: 'context',
    check: ({ context }) => {
      const session = context.session;
      if (!session) return 'No session is in progress';
      return outstandingBlocking(session).length > 0 || 'Nothing that blocks the dose is waiting to be cleared';
    },
  }),
  preDoseChecksPassed: guardRule<Ctx, Ev<'dose.recorded'>>({
    description:
      'No dose without passed pre-dose checks: eligibility, consent, REMS enrolment (esketamine), fasting, ride home or trusted adult, blood pressure in range or overridden, the contraindication check with every blocking record cleared, co-medications (REMS routes), the interval since the last dose, and the dose as planned or an approved deviation',
    scope: 'context',
    check: ({ context, event }) => {
      const problems = preDoseProblems(context, event.at);
      const route = routeProtocolOf(context);
      if (route && hasPayload(event as AnyEv, 'medication')) {
        problems.push(...doseProblems(context, event.amountMg));
        if (event.medication !== route.medication) problems.push(`The plan's route uses ${route.medication}; the dose records ${event.medication}`);
        if (route.mgPerDevice !== null) {
          if (event.devices === undefined) problems.push(`Record the number of ${route.mgPerDevice} mg devices used`);
          else if (Math.abs(event.devices * route.mgPerDevice - event.amountMg) > 1e-9) {
            problems.push(`${event.devices} device(s) of ${route.mgPerDevice} mg make ${event.devices * route.mgPerDevice} mg, not ${event.amountMg} mg`);
          }
        }
        const home = route.setting === 'home';
        if (home !== (event.administration === 'self-administered-at-home')) {
          problems.push(home ? 'An at-home dose is self-administered at home' : 'An in-clinic dose is not recorded as self-administered at home');
        }
        problems.push(...patientOnlyAtHome(context, event as AnyEv));
      }
      return join(problems);
    },
  }),
  observationTimeReached: guardRule<Ctx, AnyEv>({
    description: 'The minimum observation after the dose has elapsed',
    scope: 'context',
    check: ({ context, event }) => {
      const session = context.session;
      if (!session?.dose) return 'No dose recorded in this session';
      if (hasPayload(event, 'sessionNumber') && event['sessionNumber'] !== session.number) return 'The timer belongs to another session';
      const since = (event.at - ms(session.dose.at)) / MINUTE_MS;
      return since >= session.observationMinutes || `${formatMinutes(since)} of ${formatMinutes(session.observationMinutes)} observation have elapsed`;
    },
  }),
  dischargeCriteriaMet: guardRule<Ctx, Ev<'session.discharged'>>({
    description:
      'Discharge only after the minimum observation, with the BP check done, no vitals overdue, readings of the stable window within limits and not rising, SpO2 and sedation at the discharge marks (esketamine: dissociation assessed), alert, released to the responsible adult (at home: the trusted adult), with the no-driving advice recorded',
    scope: 'context',
    check: ({ context, event }) => {
      const problems = dischargeProblems(context, event.at);
      if (hasPayload(event as AnyEv, 'releasedTo')) {
        const home = routeProtocolOf(context)?.setting === 'home';
        if (home && event.releasedTo !== 'trusted-adult-at-home') problems.push('An at-home session ends with the trusted adult present');
        if (!home && event.releasedTo !== 'responsible-adult') problems.push('An in-clinic session is discharged to the responsible adult');
        if (!event.alertAndOriented) problems.push('The patient is not recorded as alert and oriented');
        if (!event.noDrivingAdviceGiven) problems.push('The no-driving advice (not until the next day, after a restful sleep) is not recorded');
        if (event.readyToLeaveAt !== undefined && ms(event.readyToLeaveAt) > event.at) problems.push('readyToLeaveAt cannot be after the discharge');
        const dose = context.session?.dose;
        if (event.readyToLeaveAt !== undefined && dose && ms(event.readyToLeaveAt) < ms(dose.at)) problems.push('readyToLeaveAt cannot be before the dose');
        problems.push(...patientOnlyAtHome(context, event as AnyEv));
      }
      return join(problems);
    },
  }),
  noShowApplies: guardRule<Ctx, AnyEv>({
    description: 'The session passed its no-show grace period without a check-in',
    scope: 'context',
    check: ({ context, event }) => {
      const next = nextPlannedSession(context);
      if (!next) return 'No session is planned';
      if (hasPayload(event, 'sessionNumber') && event['sessionNumber'] !== next.number) return 'The timer belongs to another session';
      const due = ms(next.dueAt) + context.protocol.noShowGraceMinutes * MINUTE_MS;
      return event.at >= due || `Session ${next.number} is not a no-show before ${formatInstant(due, context)}`;
    },
  }),
  remsFormPending: guardRule<Ctx, Ev<'rems.formSubmitted'>>({
    description: 'A REMS monitoring form is pending for the session',
    scope: 'event',
    check: ({ context, event }) => {
      const form = context.rems.forms.find((f) => f.sessionNumber === event.sessionNumber);
      if (!form) return `No REMS monitoring form is due for session ${event.sessionNumber}`;
      return form.submitted === null || `The REMS form of session ${event.sessionNumber} was already submitted`;
    },
  }),
  remsFormsSubmitted: guardRule<Ctx, AnyEv>({
    description: 'Every esketamine REMS monitoring form is submitted before the journey completes',
    scope: 'context',
    check: ({ context }) => {
      const outstanding = outstandingRemsForms(context);
      return outstanding.length === 0 || `REMS monitoring forms outstanding for session(s) ${outstanding.join(', ')}: submit them before completing`;
    },
  }),
  // Guards the way out of the waiting states after a discontinuation or withdrawal: the REMS
  // obligation outlives the treatment, so the journey stays active until the last form is in.
  noRemsFormOutstanding: guardRule<Ctx, AnyEv>({
    description: 'A discontinued or closed esketamine journey ends once every REMS monitoring form is submitted',
    scope: 'context',
    check: ({ context }) => {
      const outstanding = outstandingRemsForms(context);
      return outstanding.length === 0 || `REMS monitoring forms outstanding for session(s) ${outstanding.join(', ')}: the journey ends once they are submitted`;
    },
  }),
  readingTimeValid: guardRule<Ctx, AnyEv>({
    description: 'A reading is judged in the time it was taken: never later than now (beyond the allowed device-clock skew), never before the dose',
    scope: 'event',
    check: ({ context, event }) => {
      if (!hasPayload(event, 'takenAt') || typeof event['takenAt'] !== 'string') return true;
      const takenAt = ms(event['takenAt']);
      const skew = context.protocol.readingClockSkewMinutes;
      if (takenAt > event.at + skew * MINUTE_MS) {
        return `The reading is dated ${formatInstant(takenAt, context)}, after now (${formatInstant(event.at, context)}): readings from the future are refused (device clocks may run ${skew} min ahead at most)`;
      }
      const dose = context.session?.dose;
      if (dose && takenAt < ms(dose.at)) return `The reading was taken ${formatInstant(takenAt, context)}, before the dose at ${formatInstant(dose.at, context)}: record it as a pre-dose reading`;
      return true;
    },
  }),
  resumePlanValid: guardRule<Ctx, Ev<'hold.reviewed'>>({
    description: 'Resuming after a hold re-plans the schedule from the next session a physician books, ahead on an open day',
    scope: 'event',
    check: ({ context, event }) => {
      if (event.decision !== 'resume') return true;
      const needsDate = plannedSessions(context).length > 0 || context.maintenance.startedAt !== null;
      if (event.nextSessionAt === undefined) return needsDate ? 'Resuming needs the next session (nextSessionAt): the remaining sessions are re-planned from it' : true;
      return join(bookingProblems(context, event.at, event.nextSessionAt, 'The next session'));
    },
  }),
  responseDecisionValid: guardRule<Ctx, Ev<'response.decided'>>({
    description: 'Extending induction books its first session ahead on an open clinic day',
    scope: 'event',
    check: ({ context, event }) => {
      if (event.decision !== 'extend-induction' || event.firstSessionAt === undefined) return true;
      return join(bookingProblems(context, event.at, event.firstSessionAt, 'The first added session'));
    },
  }),
  bpCheckWindowPassed: guardRule<Ctx, AnyEv>({
    description: 'A missed blood-pressure check is recorded only once its window has passed without a reading',
    scope: 'context',
    check: ({ context, event }) => {
      const session = context.session;
      const route = routeProtocolOf(context);
      const minute = route?.monitoring.bpCheckAtMinutes;
      if (!session?.dose || !route || minute === null || minute === undefined) return 'This session has no blood-pressure check to miss';
      if (session.bpCheckMissed) return 'The missed check is already recorded';
      const window = bpCheckWindow(route, ms(session.dose.at));
      if (!window) return 'This session has no blood-pressure check to miss';
      if (event.at < window.closesAt) return `The ${minute}-minute check can still be recorded until ${formatInstant(window.closesAt, context)}`;
      return !bpCheckRecorded(session.vitals, window) || `The ${minute}-minute check was recorded`;
    },
  }),
  therapySessionNotInFuture: guardRule<Ctx, Ev<'therapy.sessionAttended'>>({
    description: 'An attended therapy session lies in the past',
    scope: 'event',
    check: ({ event }) => ms(event.attendedAt) <= event.at || 'A therapy session cannot be attended in the future',
  }),
});

/**
 * The names of the journey's clinical rules.
 *
 * @example
 * ```ts
 * const rule: KetamineRuleName = 'dischargeCriteriaMet';
 * ```
 */
export type KetamineRuleName = keyof typeof ketamineJourneyRules;
