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

/**
 * What a quiet-hours move must respect: the moment the reminder is about (a move never crosses
 * it) and the clock's time (a move never lands before it). Both optional.
 *
 * @example
 * ```ts
 * const session = Date.parse('2027-03-15T06:30:00Z'); // Monday 07:30 in Berlin
 * const bounds: QuietHoursBounds = { aboutAt: session, now: Date.parse('2027-03-14T22:00:00Z') };
 * applyQuietHours(session - 3_600_000, 'earlier', { start: '21:00', end: '08:00' }, 'Europe/Berlin', bounds);
 * // → { at: 2027-03-14T22:00:00Z, moved: true }: 21:00 has passed, so the move stops at now
 * ```
 */
export interface QuietHoursBounds {
  /** The moment the reminder is about, epoch ms: a move never takes it across this moment. */
  readonly aboutAt?: number;
  /** The clock's time, epoch ms: a move never lands before it. */
  readonly now?: number;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The time a reminder goes out, given quiet hours in `timeZone`. Quiet hours are the open interval
 * between `start` and `end` (a reminder at exactly 21:00 or 08:00 is not moved); they may span
 * midnight. Local days come from the IANA zone, so the move is right across daylight-saving changes.
 *
 * With `bounds`, a move never crosses `aboutAt` (an instruction before a session is not moved past
 * the session, nor a follow-up before what it follows: it keeps its time, since every minute between
 * it and the moment is quiet too and its own time gives the most notice) and never lands before
 * `now` (a move earlier stops at now, and a reminder already due is not moved into the past).
 *
 * @example
 * ```ts
 * // 06:00 in Berlin is quiet: a before-session reminder moves to 21:00 the evening before.
 * applyQuietHours(Date.parse('2027-03-29T04:00:00Z'), 'earlier', { start: '21:00', end: '08:00' }, 'Europe/Berlin');
 * // → { at: 2027-03-28T19:00:00Z, moved: true }
 * // Booked at 22:30 that evening: the move stops at now, and the reminder goes out at once.
 * applyQuietHours(Date.parse('2027-03-29T04:00:00Z'), 'earlier', { start: '21:00', end: '08:00' }, 'Europe/Berlin', { now: Date.parse('2027-03-28T20:30:00Z') });
 * // → { at: 2027-03-28T20:30:00Z, moved: true }
 * ```
 */
export function applyQuietHours(at: number, move: QuietHoursMove, quiet: QuietHours | null, timeZone: string, bounds: QuietHoursBounds = {}): { at: number; moved: boolean } {
  const unmoved = { at, moved: false };
  if (quiet === null || move === 'ignore') return unmoved;
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return unmoved;
  const m = localParts(at, timeZone).minuteOfDay;
  const spansMidnight = start > end;
  const quietNow = spansMidnight ? m > start || m < end : m > start && m < end;
  if (!quietNow) return unmoved;
  // In a window spanning midnight, the evening part began today and ends tomorrow; the morning
  // part began yesterday and ends today.
  const evening = spansMidnight && m > start;
  let to = move === 'earlier' ? localDayAt(at, spansMidnight && !evening ? -1 : 0, quiet.start, timeZone) : localDayAt(at, evening ? 1 : 0, quiet.end, timeZone);
  const { aboutAt, now } = bounds;
  if (aboutAt !== undefined && (at < aboutAt ? to >= aboutAt : to < aboutAt)) return unmoved;
  if (now !== undefined && to < now) {
    // Due already, or moved into the past: the caller handles a due reminder; it is not moved.
    if (move === 'later' || at <= now) return unmoved;
    to = now;
  }
  return { at: to, moved: true };
}
