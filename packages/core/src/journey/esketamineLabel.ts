// The esketamine (Spravato) label and REMS minimums. They are regulatory, not clinic preferences:
// the protocol of the esketamine-nasal route cannot be configured below them (DOMAIN.md, "Routes
// and schedules" and "Monitoring during a session"), and docs/journey.md lists them.

/**
 * The esketamine label and REMS minimums that the `esketamine-nasal` route's protocol is checked
 * against; an engine refuses a protocol below any of them (`CJ_ERR_INVALID_CONFIG`). Frozen all
 * through: what a host reads is what the engine checks, and no one can lower it.
 *
 * @example
 * ```ts
 * ESKETAMINE_LABEL.minObservationMinutes; // 120: at least 2 h of observation after the dose
 * ESKETAMINE_LABEL.dosesMg; // [56, 84]
 * ```
 */
export const ESKETAMINE_LABEL = Object.freeze({
  /** The medication of the route: the label checks apply to it, so it cannot be changed. */
  medication: 'esketamine',
  /** Given in a certified clinic only, never at home. */
  setting: 'clinic',
  /** At least 2 h of observation after the dose. */
  minObservationMinutes: 120,
  /** The blood-pressure re-check "at about 40 minutes" after the dose: its minute lies in this range. */
  bpCheckMinutes: Object.freeze({ earliest: 35, latest: 45 } as const),
  /** A reading counts as the 40-minute check from at most this many minutes early. */
  maxCheckToleranceMinutes: 5,
  /**
   * Blood pressure "before discharge": discharge needs a reading in the stable window, so the
   * window may be at most this long (the latest reading at most this many minutes before discharge).
   */
  preDischargeBpWithinMinutes: 30,
  /** The label doses per session. */
  dosesMg: Object.freeze([56, 84] as const),
  /** The dose of the first session (day 1). */
  firstDoseMg: 56,
  /** Milligrams per nasal device; doses are whole devices. */
  mgPerDevice: 28,
  /** The REMS monitoring form is due within this many days of the session. */
  remsFormDueWithinDays: 7,
} as const);
