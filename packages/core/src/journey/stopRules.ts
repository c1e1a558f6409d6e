import type { RouteProtocol } from './protocol.js';

/** A post-dose reading as the stop rules see it. */
export interface StopRuleReading {
  readonly systolic: number;
  readonly diastolic: number;
  readonly heartRate: number;
  readonly spo2: number | null;
  /** ISO instant the reading was taken. */
  readonly takenAt: string;
}

/**
 * Checks the route's stop rules against a session's post-dose readings, the newest last: a
 * single reading above the single-reading limit, two readings above the repeated limit at least
 * `minutesApart` apart, a heart rate above its limit for `forMinutes`, or (when configured) SpO2
 * below its limit. Returns the rule hit, in words, or null.
 *
 * @example
 * ```ts
 * stopRuleHit([{ systolic: 205, diastolic: 100, heartRate: 90, spo2: 97, takenAt: '2026-03-02T09:40:00Z' }], route.stopRules);
 * // 'BP 205/100 is above the single-reading stop limit of 200/120'
 * ```
 */
export function stopRuleHit(readings: readonly StopRuleReading[], rules: RouteProtocol['stopRules']): string | null {
  const latest = readings[readings.length - 1];
  if (!latest) return null;
  const t = (r: StopRuleReading) => Date.parse(r.takenAt);
  const { singleBp, repeatedBp, heartRate, spo2Below } = rules;
  if (latest.systolic > singleBp.systolic || latest.diastolic > singleBp.diastolic) {
    return `BP ${latest.systolic}/${latest.diastolic} is above the single-reading stop limit of ${singleBp.systolic}/${singleBp.diastolic}`;
  }
  const aboveRepeated = (r: StopRuleReading) => r.systolic > repeatedBp.systolic || r.diastolic > repeatedBp.diastolic;
  if (aboveRepeated(latest)) {
    const earlier = readings.slice(0, -1).find((r) => aboveRepeated(r) && t(latest) - t(r) >= repeatedBp.minutesApart * 60_000);
    if (earlier) {
      return `BP above ${repeatedBp.systolic}/${repeatedBp.diastolic} twice at least ${repeatedBp.minutesApart} min apart (${earlier.systolic}/${earlier.diastolic}, then ${latest.systolic}/${latest.diastolic})`;
    }
  }
  if (latest.heartRate > heartRate.above) {
    let runStart = latest;
    for (let i = readings.length - 2; i >= 0; i--) {
      const r = readings[i];
      if (!r || r.heartRate <= heartRate.above) break;
      runStart = r;
    }
    if (t(latest) - t(runStart) >= heartRate.forMinutes * 60_000) {
      return `Heart rate above ${heartRate.above} for at least ${heartRate.forMinutes} min (now ${latest.heartRate})`;
    }
  }
  if (spo2Below !== null && latest.spo2 !== null && latest.spo2 < spo2Below) {
    return `SpO2 ${latest.spo2}% is below the stop limit of ${spo2Below}%`;
  }
  return null;
}
