import { ESKETAMINE_LABEL } from './esketamineLabel.js';
import type { KetamineRuleName } from './guards.js';

/**
 * A number a rule uses that is not a protocol setting: fixed by the library (or by the esketamine
 * label), listed in docs/journey.md with the rules that use it.
 *
 * @example
 * ```ts
 * const c: RuleConstant = KETAMINE_RULE_CONSTANTS.firstSessionMaxHoursInPast;
 * `${c.value} ${c.unit}`; // '24 h'
 * ```
 */
export interface RuleConstant {
  readonly value: number | readonly number[];
  /** The unit, as docs/journey.md prints it after the value. */
  readonly unit: string;
  /** What the number means, in a clinician's words. */
  readonly description: string;
  /** The rules that use it; `protocol` for the protocol's own validation (the esketamine label minimums). */
  readonly usedBy: readonly (KetamineRuleName | 'protocol')[];
}

/**
 * The fixed numbers of the journey's rules, by name. The rules read them from here, so what
 * docs/journey.md lists ("Fixed numbers") is what the rules use.
 *
 * @example
 * ```ts
 * KETAMINE_RULE_CONSTANTS.bpCheckLateToleranceFactor.value; // 3: the 40-minute check counts until 40 + 3 × 5 = 55 min
 * ```
 */
export const KETAMINE_RULE_CONSTANTS = {
  bpCheckLateToleranceFactor: {
    value: 3,
    unit: '× route.monitoring.checkToleranceMinutes',
    description:
      'The post-dose blood-pressure check counts from `checkToleranceMinutes` before its minute to this many times `checkToleranceMinutes` after it (35-55 min for a check at 40 min with the default tolerance of 5); a missed check can be recorded once that window has passed',
    usedBy: ['dischargeCriteriaMet', 'bpCheckWindowPassed'],
  },
  firstSessionMaxHoursInPast: {
    value: 24,
    unit: 'h',
    description: 'The first session may be booked up to this long in the past (a session recorded after it took place), never earlier',
    usedBy: ['readyForInduction'],
  },
  esketamineMinObservationMinutes: {
    value: ESKETAMINE_LABEL.minObservationMinutes,
    unit: 'min',
    description: 'Esketamine label: the least `observationMinutes` the esketamine-nasal route may have (2 h after the dose)',
    usedBy: ['protocol'],
  },
  esketamineBpCheckMinutes: {
    value: [ESKETAMINE_LABEL.bpCheckMinutes.earliest, ESKETAMINE_LABEL.bpCheckMinutes.latest],
    unit: 'min (earliest, latest)',
    description: 'Esketamine label: the blood-pressure re-check "at about 40 minutes"; `monitoring.bpCheckAtMinutes` of the esketamine-nasal route lies in this range',
    usedBy: ['protocol'],
  },
  esketamineMaxCheckToleranceMinutes: {
    value: ESKETAMINE_LABEL.maxCheckToleranceMinutes,
    unit: 'min',
    description: 'Esketamine label: the most `monitoring.checkToleranceMinutes` the esketamine-nasal route may have (the 40-minute check from 35 min)',
    usedBy: ['protocol'],
  },
  esketaminePreDischargeBpWithinMinutes: {
    value: ESKETAMINE_LABEL.preDischargeBpWithinMinutes,
    unit: 'min',
    description:
      'Esketamine label: blood pressure before discharge. Discharge needs a reading in the stable window, so `discharge.stableWindowMinutes` of the esketamine-nasal route is at most this long',
    usedBy: ['protocol'],
  },
  esketamineDosesMg: {
    value: ESKETAMINE_LABEL.dosesMg,
    unit: 'mg',
    description: 'Esketamine label: the doses per session; `dosing.allowedDosesMg` of the esketamine-nasal route lists only these (a shorter list is stricter and allowed)',
    usedBy: ['protocol', 'planWithinProtocol'],
  },
  esketamineFirstDoseMg: {
    value: ESKETAMINE_LABEL.firstDoseMg,
    unit: 'mg',
    description: 'Esketamine label: the dose of the first session (day 1); `dosing.firstDoseMg` of the esketamine-nasal route is fixed to it',
    usedBy: ['protocol', 'planWithinProtocol'],
  },
  esketamineMgPerDevice: {
    value: ESKETAMINE_LABEL.mgPerDevice,
    unit: 'mg',
    description: 'Esketamine nasal device: milligrams per device, doses are whole devices; `mgPerDevice` of the esketamine-nasal route is fixed to it',
    usedBy: ['protocol', 'planWithinProtocol'],
  },
  remsFormDueWithinDays: {
    value: ESKETAMINE_LABEL.remsFormDueWithinDays,
    unit: 'days',
    description: 'Esketamine REMS: the monitoring form is due within this many days of the session; `rems.formDueDays` is at most this',
    usedBy: ['protocol'],
  },
} as const satisfies Record<string, RuleConstant>;
