import { zonedAddDays as addLocalDays, zonedAt as atLocalTime, zonedParts as localParts } from './zonedTime.js';

const HOUR = 3_600_000;

/**
 * The instant `hours` before `instant` as a patient reads it: whole days step back in local
 * calendar days (so "48 h before a 09:00 session" is 09:00 two days earlier, across a
 * daylight-saving change too), the remaining hours are real hours.
 *
 * @example
 * ```ts
 * // Monday 09:00 in Berlin after the spring-forward → Saturday 09:00 (47 real hours before).
 * hoursBeforeInLocalTime(Date.parse('2027-03-29T07:00:00Z'), 48, 'Europe/Berlin'); // 2027-03-27T08:00:00Z
 * ```
 */
export function hoursBeforeInLocalTime(instant: number, hours: number, timeZone: string): number {
  const days = Math.floor(hours / 24);
  const rest = hours - days * 24;
  return addLocalDays(instant, -days, timeZone) - rest * HOUR;
}

/**
 * The instant a wall clock in `timeZone` shows `time` (`HH:MM`) on the local day `days` after
 * the local day of `instant`.
 *
 * @example
 * ```ts
 * // Discharged 11:30 on 2027-11-06 in New York → 10:00 on 2027-11-07 (after the fall-back).
 * localDayAt(Date.parse('2027-11-06T15:30:00Z'), 1, '10:00', 'America/New_York'); // 2027-11-07T15:00:00Z
 * ```
 */
export function localDayAt(instant: number, days: number, time: string, timeZone: string): number {
  const { date } = localParts(days === 0 ? instant : addLocalDays(instant, days, timeZone), timeZone);
  return atLocalTime(date, time, timeZone);
}
