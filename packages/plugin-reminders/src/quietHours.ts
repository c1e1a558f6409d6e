import { zonedParts as localParts } from './zonedTime.js';
import { localDayAt } from './localTime.js';

/**
 * Quiet hours in the patient's local time, e.g. `{ start: '21:00', end: '08:00' }`.
 *
 * @example
 * ```ts
 * const quietHours: QuietHours = { start: '22:00', end: '07:30' };
 * remindersPlugin({ deliver, quietHours });
 * ```
 */
export interface QuietHours {
  /** `HH:MM`: from this minute on, nothing goes out... */
  readonly start: string;
  /** `HH:MM`: ...until this minute. */
  readonly end: string;
}

/**
 * How a reminder due in quiet hours moves: `earlier` to when they begin (instructions before the
 * moment they are about, e.g. a session), `later` to when they end (follow-ups after it), or
 * `ignore` (safety notices and staff reminders go out at once).
 *
 * @example
 * ```ts
 * const move: QuietHoursMove = 'earlier'; // a pre-session instruction goes out the evening before
 * applyQuietHours(Date.parse('2027-03-29T04:00:00Z'), move, { start: '21:00', end: '08:00' }, 'Europe/Berlin');
 * ```
 */
export type QuietHoursMove = 'earlier' | 'later' | 'ignore';

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The time a reminder goes out, given quiet hours in `timeZone`. Quiet hours are the open interval
 * between `start` and `end` (a reminder at exactly 21:00 or 08:00 is not moved); they may span
 * midnight. Local days come from the IANA zone, so the move is right across daylight-saving changes.
 *
 * @example
 * ```ts
 * // 06:00 in Berlin is quiet: a before-session reminder moves to 21:00 the evening before.
 * applyQuietHours(Date.parse('2027-03-29T04:00:00Z'), 'earlier', { start: '21:00', end: '08:00' }, 'Europe/Berlin');
 * // → { at: 2027-03-28T19:00:00Z, moved: true }
 * ```
 */
export function applyQuietHours(at: number, move: QuietHoursMove, quiet: QuietHours | null, timeZone: string): { at: number; moved: boolean } {
  if (quiet === null || move === 'ignore') return { at, moved: false };
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return { at, moved: false };
  const m = localParts(at, timeZone).minuteOfDay;
  const spansMidnight = start > end;
  const quietNow = spansMidnight ? m > start || m < end : m > start && m < end;
  if (!quietNow) return { at, moved: false };
  // In a window spanning midnight, the evening part began today and ends tomorrow; the morning
  // part began yesterday and ends today.
  const evening = spansMidnight && m > start;
  if (move === 'earlier') return { at: localDayAt(at, spansMidnight && !evening ? -1 : 0, quiet.start, timeZone), moved: true };
  return { at: localDayAt(at, evening ? 1 : 0, quiet.end, timeZone), moved: true };
}
