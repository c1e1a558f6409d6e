import { zoned } from './zoned.js';

/**
 * The instant `days` calendar days after `instant` at the same wall-clock time in `timeZone`, so a
 * 09:00 session stays at 09:00 across a daylight-saving change. A wall-clock time that does not
 * exist on the target day (skipped by a spring-forward) moves forward by the gap, in every zone;
 * one that occurs twice (a fall-back) takes the earlier of the two.
 *
 * @example
 * ```ts
 * // 09:00 in Berlin on 2026-03-27 (UTC+1) → 09:00 on 2026-03-30 (UTC+2)
 * addLocalDays(Date.parse('2026-03-27T08:00:00Z'), 3, 'Europe/Berlin'); // 2026-03-30T07:00:00Z
 * ```
 */
export function addLocalDays(instant: number, days: number, timeZone: string): number {
  if (timeZone === 'UTC') return instant + days * 86_400_000;
  return zoned(instant, timeZone).add({ days }).epochMilliseconds;
}
