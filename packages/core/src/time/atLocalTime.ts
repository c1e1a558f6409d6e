import { Temporal } from 'temporal-polyfill';

/**
 * The instant a wall clock in `timeZone` shows `time` on `date`. A time skipped by a
 * spring-forward moves forward by the gap; a time that occurs twice takes the earlier instant.
 *
 * @example
 * ```ts
 * atLocalTime('2027-03-14', '02:30', 'America/New_York'); // 03:30 EDT = 2027-03-14T07:30:00Z
 * ```
 */
export function atLocalTime(date: string, time: string, timeZone: string): number {
  return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}
