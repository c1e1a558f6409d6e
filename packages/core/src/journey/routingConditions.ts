// The machine's routing conditions: guards that choose between branches (which outcome a decision
// has, whether a hold or an ending is pending) rather than refuse an event. The clinical rules that
// refuse events are in guards.ts. Both are listed, with their descriptions, in docs/journey.md.
import type { KetamineJourneyContext } from './context.js';
import * as u from './contextUpdates.js';
import type { MachineEvent } from './contextUpdates.js';
import { ms, outstandingRemsForms, plannedSessions, primaryInstrumentOf, routeProtocolOf } from './queries.js';
import { stopRuleHit } from './stopRules.js';
import { MINUTE_MS } from './timeUnits.js';
import { freezeNew } from '../store/freezeNew.js';

type Ctx = KetamineJourneyContext;

/**
 * A named branch condition of the machine, with what it means in words.
 *
 * @example
 * ```ts
 * ketamineRoutingConditions.outcomeEligible.description; // 'The eligibility decision is "eligible"'
 * ```
 */
export interface RoutingCondition {
  /** The condition in words, for docs/journey.md. */
  readonly description: string;
  /** True when the branch is taken for this context and event. */
  readonly check: (context: Ctx, event: MachineEvent) => boolean;
}

const MIN = MINUTE_MS;

/** When the next vitals reading is overdue: one cadence plus the check tolerance after the latest reading (or the dose). */
export function vitalsDueAt(c: Ctx): number {
  const session = c.session;
  const route = routeProtocolOf(c);
  if (!session?.dose || !route || route.monitoring.vitalsEveryMinutes === null) return Number.POSITIVE_INFINITY;
  const latest = session.vitals[session.vitals.length - 1];
  const from = Math.max(ms(session.dose.at), latest ? ms(latest.takenAt) : 0);
  return from + (route.monitoring.vitalsEveryMinutes + route.monitoring.checkToleranceMinutes) * MIN;
}

const condition = (description: string, check: RoutingCondition['check']): RoutingCondition => ({ description, check });

/**
 * The routing conditions of the ketamine-for-anxiety machine, by guard name.
 *
 * @example
 * ```ts
 * for (const [name, c] of Object.entries(ketamineRoutingConditions)) console.log(name, c.description);
 * ```
 */
export const ketamineRoutingConditions = freezeNew({
  outcomeEligible: condition('The eligibility decision is "eligible"', (_c, e) => e['outcome'] === 'eligible'),
  outcomePhysicianReview: condition('The eligibility decision refers the patient to a physician review', (_c, e) => e['outcome'] === 'physician-review'),
  outcomeIneligible: condition('The eligibility decision is "ineligible"', (_c, e) => e['outcome'] === 'ineligible'),
  holdFindingReported: condition(
    'The pre-dose check reports pregnancy or psychotic symptoms (treatment goes on hold)',
    (_c, e) => Array.isArray(e['newFindings']) && (e['newFindings'].includes('pregnancy') || e['newFindings'].includes('psychotic-symptoms')),
  ),
  stopRuleHitByReading: condition('With this reading, the session’s readings hit one of the route’s stop rules (in a session not yet stopped)', (c, e) => {
    const route = routeProtocolOf(c);
    if (!route || !c.session || c.session.stopped) return false;
    return stopRuleHit(u.recordMonitoringVitals(c, e).session?.vitals ?? [], route.stopRules) !== null;
  }),
  vitalsOverdueApplies: condition('The session’s next vitals reading is overdue on the route’s cadence', (c, e) => {
    const session = c.session;
    if (!session?.dose || e['sessionNumber'] !== session.number) return false;
    return e.at >= vitalsDueAt(c);
  }),
  pendingDiscontinuation: condition('A discontinuation was recorded during the dosed session that just ended', (c) => c.pendingEnding?.kind === 'discontinued'),
  pendingWithdrawal: condition('A withdrawal was recorded during the dosed session that just ended', (c) => c.pendingEnding?.kind === 'closed'),
  remsFormOutstanding: condition('An esketamine REMS monitoring form is not yet submitted', (c) => outstandingRemsForms(c).length > 0),
  holdInEffect: condition('A hold was raised (during the session that just ended)', (c) => c.hold !== null),
  seriousAdverseEvent: condition('The adverse event is serious (treatment goes on hold)', (_c, e) => e['serious'] === true),
  suicidalityForHold: condition(
    'During treatment, a PHQ-9 item 9 at or above the protocol’s mark, or a C-SSRS risk level the protocol names (treatment goes on hold)',
    (c, e) => {
      const { holdOnPhq9Item9AtLeast, holdOnCssrsRisk } = c.protocol.suicidality;
      if (e['instrument'] === 'PHQ-9' && holdOnPhq9Item9AtLeast !== null && typeof e['item9'] === 'number') return e['item9'] >= holdOnPhq9Item9AtLeast;
      if (e['instrument'] === 'C-SSRS') return holdOnCssrsRisk.includes(e['risk']);
      return false;
    },
  ),
  suicidalityScreenPositive: condition('At intake, a PHQ-9 item 9 above 0 or a C-SSRS risk of moderate or high (an alert, no hold)', (_c, e) => {
    if (e['instrument'] === 'PHQ-9') return typeof e['item9'] === 'number' && e['item9'] > 0;
    if (e['instrument'] === 'C-SSRS') return e['risk'] === 'moderate' || e['risk'] === 'high';
    return false;
  }),
  missedReviewPending: condition('A missed esketamine session waits for a physician’s review', (c) => c.missedSession !== null),
  inductionSessionPlanned: condition('An induction session is still planned', (c) => plannedSessions(c, 'induction').length > 0),
  primaryFollowUpRecorded: condition('The primary instrument was recorded since the last induction session began (the response can be judged)', (c) =>
    c.assessments.some((a) => a.phase === 'follow-up' && a.instrument === primaryInstrumentOf(c) && ms(a.at) >= u.reviewWindowStart(c)),
  ),
  decisionIsMaintenance: condition('The decision is maintenance', (_c, e) => e['decision'] === 'maintenance'),
  decisionIsExtend: condition('The decision is to extend induction', (_c, e) => e['decision'] === 'extend-induction'),
  decisionIsResume: condition('The decision is to resume', (_c, e) => e['decision'] === 'resume'),
  decisionIsDiscontinue: condition('The decision is to discontinue', (_c, e) => e['decision'] === 'discontinue'),
  // Counts the form the ending's own `fileRemsForms` adds for a session it closes, so every ending files forms.
  remsFormsOutstandingAtEnd: condition('An esketamine REMS form would be outstanding when the journey ends now', (c, e) => u.remsFormsOutstandingAfterEnding(c, e).length > 0),
  therapyLapseDue: condition('No concurrent-therapy session was attended within the protocol’s gap', (c, e) => {
    const due = u.therapyLapseDueAt(c);
    return due !== null && e.at >= due;
  }),
} satisfies Record<string, RoutingCondition>);

/**
 * The names of the machine's routing conditions.
 *
 * @example
 * ```ts
 * const name: KetamineRoutingConditionName = 'outcomeEligible';
 * ```
 */
export type KetamineRoutingConditionName = keyof typeof ketamineRoutingConditions;
