import type { RouteProtocol } from './protocol.js';
import { MINUTE_MS } from './timeUnits.js';

/**
 * A post-dose reading as the stop rules see it.
 *
 * @example
 * ```ts
 * const readings: StopRuleReading[] = session.vitals.map(({ systolic, diastolic, heartRate, spo2, takenAt }) => ({ systolic, diastolic, heartRate, spo2, takenAt }));
 * stopRuleHit(readings, protocol.routes.iv.stopRules); // null, or the rule hit in words
 * ```
 */
export interface StopRuleReading {
  readonly systolic: number;
  readonly diastolic: number;
  readonly heartRate: number;
  readonly spo2: number | null;
  /** ISO instant the reading was taken. */
  readonly takenAt: string;
}

/**
 * Checks the route's stop rules against all of a session's post-dose readings, whatever order they
 * were recorded in (they are judged in `takenAt` order): any reading above the single-reading
 * limit, two readings above the repeated limit at least `minutesApart` apart, heart rate above its
 * limit in consecutive readings spanning `forMinutes`, or (when configured) SpO2 below its limit.
 * Returns the first rule hit, in words, or null.
 *
 * @example
 * ```ts
 * stopRuleHit([{ systolic: 205, diastolic: 100, heartRate: 90, spo2: 97, takenAt: '2026-03-02T09:40:00Z' }], route.stopRules);
 * // 'BP 205/100 is above the single-reading stop limit of 200/120'
 * ```
 */
export function stopRuleHit(readings: readonly StopRuleReading[], rules: RouteProtocol['stopRules']): string | null {
  const t = (r: StopRuleReading) => Date.parse(r.takenAt);
  const sorted = [...readings].sort((a, b) => t(a) - t(b));
  const { singleBp, repeatedBp, heartRate, spo2Below } = rules;
  const single = sorted.find((r) => r.systolic > singleBp.systolic || r.diastolic > singleBp.diastolic);
  if (single) return `BP ${single.systolic}/${single.diastolic} is above the single-reading stop limit of ${singleBp.systolic}/${singleBp.diastolic}`;
  const high = sorted.filter((r) => r.systolic > repeatedBp.systolic || r.diastolic > repeatedBp.diastolic);
  const first = high[0];
  const apart = first ? high.find((r) => t(r) - t(first) >= repeatedBp.minutesApart * MINUTE_MS) : undefined;
  if (first && apart) {
    return `BP above ${repeatedBp.systolic}/${repeatedBp.diastolic} twice at least ${repeatedBp.minutesApart} min apart (${first.systolic}/${first.diastolic}, then ${apart.systolic}/${apart.diastolic})`;
  }
  let runStart: StopRuleReading | null = null;
  for (const r of sorted) {
    if (r.heartRate <= heartRate.above) {
      runStart = null;
      continue;
    }
    runStart ??= r;
    if (t(r) - t(runStart) >= heartRate.forMinutes * MINUTE_MS) {
      return `Heart rate above ${heartRate.above} for at least ${heartRate.forMinutes} min (${r.heartRate} at the end)`;
    }
  }
  const low = spo2Below === null ? undefined : sorted.find((r) => r.spo2 !== null && r.spo2 < spo2Below);
  if (low) return `SpO2 ${low.spo2}% is below the stop limit of ${spo2Below}%`;
  return null;
}
