import type { KetamineRuleName } from './guards.js';
import type { KetamineRoutingConditionName } from './routingConditions.js';
import { freezeNew } from '../store/freezeNew.js';

/**
 * The protocol settings each named guard reads: `route.*` paths are per route
 * (`protocol.routes[route]`), the others are top-level protocol fields. docs/journey.md prints
 * them with their values, so every number a rule uses appears in the generated docs (the numbers that
 * are not settings are named in ruleConstants.ts). A test reads the protocol through a recorder while
 * running every rule on real journeys and checks that each setting read is listed here.
 *
 * @example
 * ```ts
 * KETAMINE_RULE_PARAMETERS.checkInOpen; // ['route.checkInOpensHoursBefore', 'noShowGraceMinutes', 'route.setting', 'timeZone']
 * ```
 */
export const KETAMINE_RULE_PARAMETERS: { readonly [K in KetamineRuleName | KetamineRoutingConditionName]: readonly string[] } = freezeNew({
  eligibleDecisionAllowed: ['contraindicationClasses', 'response.primaryInstrument'],
  ineligibleDecidedByPhysician: [],
  physicianReviewNeedsDecision: [],
  planWithinProtocol: ['route.observationMinutes', 'route.dosing.allowedDosesMg', 'route.dosing.firstDoseMg', 'route.mgPerDevice'],
  readyForInduction: ['route.requiresRems', 'timeZone', 'clinicDays', 'closedDates'],
  checkInOpen: ['route.checkInOpensHoursBefore', 'noShowGraceMinutes', 'route.setting', 'timeZone'],
  rescheduleValid: ['timeZone', 'clinicDays', 'closedDates'],
  missedReviewValid: ['timeZone', 'clinicDays', 'closedDates'],
  recordedBySessionStaff: ['route.setting'],
  clinicSessionTransport: ['route.setting'],
  homeSessionTrustedAdult: ['route.setting'],
  bpOverrideApplies: ['route.preDoseBpLimit.systolic', 'route.preDoseBpLimit.diastolic'],
  findingToClear: [],
  preDoseChecksPassed: [
    'route.requiresRems',
    'route.fasting.foodHours',
    'route.fasting.liquidMinutes',
    'route.fasting.nasalSteroidOrDecongestantMinutes',
    'route.setting',
    'route.preDoseBpLimit.systolic',
    'route.preDoseBpLimit.diastolic',
    'route.preDoseVitalsMaxAgeMinutes',
    'route.preDoseChecksValidMinutes',
    'route.minHoursBetweenDoses',
    'route.maintenance.clinicianCheckInAfterDays',
    'route.medication',
    'route.mgPerDevice',
    'route.dosing.allowedDosesMg',
    'route.dosing.firstDoseMg',
    'route.dosing.toleranceMg',
  ],
  observationTimeReached: ['route.observationMinutes'],
  dischargeCriteriaMet: [
    'route.observationMinutes',
    'route.monitoring.bpCheckAtMinutes',
    'route.monitoring.checkToleranceMinutes',
    'route.monitoring.vitalsEveryMinutes',
    'route.discharge.bpLimit.systolic',
    'route.discharge.bpLimit.diastolic',
    'route.discharge.baselineToleranceMmHg',
    'route.discharge.stableWindowMinutes',
    'route.discharge.riseToleranceMmHg',
    'route.discharge.minSpO2',
    'route.discharge.sedationScore',
    'route.discharge.requiresDissociationAssessment',
    'route.setting',
  ],
  noShowApplies: ['noShowGraceMinutes', 'timeZone'],
  remsFormPending: [],
  remsFormsSubmitted: [],
  noRemsFormOutstanding: [],
  readingTimeValid: ['readingClockSkewMinutes', 'timeZone'],
  resumePlanValid: ['timeZone', 'clinicDays', 'closedDates'],
  responseDecisionValid: ['timeZone', 'clinicDays', 'closedDates'],
  therapySessionNotInFuture: [],
  bpCheckWindowPassed: ['route.monitoring.bpCheckAtMinutes', 'route.monitoring.checkToleranceMinutes', 'timeZone'],
  outcomeEligible: [],
  outcomePhysicianReview: [],
  outcomeIneligible: [],
  holdFindingReported: [],
  stopRuleHitByReading: [
    'route.stopRules.singleBp.systolic',
    'route.stopRules.singleBp.diastolic',
    'route.stopRules.repeatedBp.systolic',
    'route.stopRules.repeatedBp.diastolic',
    'route.stopRules.repeatedBp.minutesApart',
    'route.stopRules.heartRate.above',
    'route.stopRules.heartRate.forMinutes',
    'route.stopRules.spo2Below',
  ],
  vitalsOverdueApplies: ['route.monitoring.vitalsEveryMinutes', 'route.monitoring.checkToleranceMinutes'],
  pendingDiscontinuation: [],
  pendingWithdrawal: [],
  remsFormOutstanding: [],
  holdInEffect: [],
  seriousAdverseEvent: [],
  suicidalityForHold: ['suicidality.holdOnPhq9Item9AtLeast', 'suicidality.holdOnCssrsRisk'],
  suicidalityScreenPositive: [],
  missedReviewPending: [],
  inductionSessionPlanned: [],
  primaryFollowUpRecorded: ['response.primaryInstrument'],
  decisionIsMaintenance: [],
  decisionIsExtend: [],
  decisionIsResume: [],
  decisionIsDiscontinue: [],
  remsFormsOutstandingAtEnd: [],
  therapyLapseDue: ['therapy.lapseAfterDays'],
});
