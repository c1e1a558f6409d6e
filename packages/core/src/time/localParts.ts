import { epochDaysToIsoDate, modFloor } from './epochDays.js';
import { formatOffset, zoned } from './zoned.js';

/**
 * An instant as a wall clock in a zone shows it.
 *
 * @example
 * ```ts
 * const { date, time, dayOfWeek } = localParts(Date.parse('2026-03-09T08:00:00Z'), 'Europe/Berlin');
 * // date '2026-03-09', time '09:00', dayOfWeek 1 (Monday)
 * ```
 */
export interface LocalParts {
  /** `YYYY-MM-DD` in the zone. */
  readonly date: string;
  /** `HH:MM` (24-hour) in the zone. */
  readonly time: string;
  /** ISO day of the week: 1 = Monday ... 7 = Sunday. */
  readonly dayOfWeek: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** Minutes since local midnight (0-1439). */
  readonly minuteOfDay: number;
  /** The zone's UTC offset at that instant, e.g. `-04:00`. */
  readonly offset: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The local date, time and weekday of an instant in an IANA time zone.
 *
 * @example
 * ```ts
 * localParts(Date.parse('2027-03-15T13:00:00Z'), 'America/New_York');
 * // { date: '2027-03-15', time: '09:00', dayOfWeek: 1, minuteOfDay: 540, offset: '-04:00' }
 * ```
 */
export function localParts(instant: number, timeZone: string): LocalParts {
  const { epochDays, msOfDay, offsetSeconds } = zoned(instant, timeZone);
  const { year, month, day } = epochDaysToIsoDate(epochDays);
  const hour = Math.floor(msOfDay / 3_600_000);
  const minute = Math.floor(msOfDay / 60_000) % 60;
  return {
    date: `${pad(year, 4)}-${pad(month)}-${pad(day)}`,
    time: `${pad(hour)}:${pad(minute)}`,
    dayOfWeek: (modFloor(epochDays + 4, 7) || 7) as LocalParts['dayOfWeek'],
    minuteOfDay: hour * 60 + minute,
    offset: formatOffset(offsetSeconds),
  };
}
