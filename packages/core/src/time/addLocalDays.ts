import { instantAt, strictInteger, zoned } from './zoned.js';

/** Wall-clock dates must stay within 10^8 days of 1970 (one more day allowed before it). */
const MIN_DAYS = -100_000_001;
const MAX_DAYS = 100_000_000;

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
  const start = zoned(instant, timeZone);
  // Checked as a Temporal duration of `days` days is.
  if (days === undefined) throw new TypeError('No valid fields: days');
  const n = strictInteger(days, 'days');
  if (!Number.isSafeInteger(n * 86_400)) throw new RangeError('Out-of-bounds duration');
  if (n === 0) return start.epochMs;
  const epochDays = start.epochDays + n;
  if (epochDays < MIN_DAYS || epochDays > MAX_DAYS) throw new RangeError('Out-of-bounds date');
  const subsecondMs = start.msOfDay % 1000;
  const wallSeconds = epochDays * 86_400 + (start.msOfDay - subsecondMs) / 1000;
  return instantAt(start.zone, wallSeconds, subsecondMs * 1_000_000) * 1000 + subsecondMs;
}
