import { isoDateToEpochDays } from './epochDays.js';
import { parseIsoDateTime } from './parseIsoDateTime.js';
import { resolveTimeZone } from './resolveTimeZone.js';
import { instantAt } from './zoned.js';

/** A date and time must lie strictly within 10^8 days of 1970, one day more either side. */
const MIN_SECONDS = -100_000_001 * 86_400;
const MAX_SECONDS = 100_000_001 * 86_400;

/**
 * The instant a wall clock in `timeZone` shows `time` on `date`. A time skipped by a
 * spring-forward moves forward by the gap; a time that occurs twice takes the earlier instant.
 * `date` and `time` are read as Temporal reads `${date}T${time}` (`HH:MM`, `HH:MM:SS`, with a
 * fraction of a second); a string it cannot read throws a `RangeError`.
 *
 * @example
 * ```ts
 * atLocalTime('2027-03-14', '02:30', 'America/New_York'); // 03:30 EDT = 2027-03-14T07:30:00Z
 * ```
 */
export function atLocalTime(date: string, time: string, timeZone: string): number {
  const s = `${date}T${time}`;
  const parts = parseIsoDateTime(s);
  if (parts === undefined || parts.utc) throw new RangeError(`Cannot parse: ${s}`);
  const wallSeconds = isoDateToEpochDays(parts.year, parts.month, parts.day) * 86_400 + parts.hour * 3600 + parts.minute * 60 + parts.second;
  if (wallSeconds < MIN_SECONDS || (wallSeconds === MIN_SECONDS && parts.subsecondNanos === 0) || wallSeconds >= MAX_SECONDS) {
    throw new RangeError('Out-of-bounds date');
  }
  if (parts.calendar !== 'iso8601' && parts.calendar !== 'gregory') throw new RangeError(`Unknown calendar: ${parts.calendar}`);
  const seconds = instantAt(resolveTimeZone(timeZone), wallSeconds, parts.subsecondNanos);
  return seconds * 1000 + Math.floor(parts.subsecondNanos / 1_000_000);
}
