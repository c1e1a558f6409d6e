import { addLocalDays } from '../time/addLocalDays.js';
import { localParts } from '../time/localParts.js';

/**
 * When the clinic is open, for placing generated sessions.
 *
 * @example
 * ```ts
 * const calendar: ClinicCalendar = { timeZone: 'Europe/Berlin', clinicDays: [1, 2, 3, 4, 5], closedDates: ['2026-04-06'], minHoursBetween: 20 };
 * closedDayReason(Date.parse('2026-04-06T08:00:00Z'), calendar); // 'the clinic is closed on 2026-04-06'
 * ```
 */
export interface ClinicCalendar {
  /** IANA zone the days are counted in. */
  readonly timeZone: string;
  /** ISO weekdays the clinic is open (1 = Monday ... 7 = Sunday). */
  readonly clinicDays: readonly number[];
  /** Closed dates, `YYYY-MM-DD` in the zone. */
  readonly closedDates: readonly string[];
  /** Hours kept between one session and the next. */
  readonly minHoursBetween: number;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Why the clinic is closed on an instant's local day, or null when it is open.
 *
 * @example
 * ```ts
 * closedDayReason(Date.parse('2027-03-13T10:00:00Z'), calendar); // 'Saturday 2027-03-13 is not one of the clinic’s days'
 * ```
 */
export function closedDayReason(instant: number, calendar: ClinicCalendar): string | null {
  const { date, dayOfWeek } = localParts(instant, calendar.timeZone);
  if (!calendar.clinicDays.includes(dayOfWeek)) return `${WEEKDAYS[dayOfWeek - 1]} ${date} is not one of the clinic’s days`;
  if (calendar.closedDates.includes(date)) return `the clinic is closed on ${date}`;
  return null;
}

/**
 * Moves generated session times onto open clinic days, in order: a time on a closed day (or
 * closer than `minHoursBetween` to the session before it) moves a calendar day at a time, keeping
 * its local time of day, and the sessions after it keep the interval too.
 *
 * @example
 * ```ts
 * // An IV schedule started on a Friday: the Sunday session moves to Monday, Tuesday's stays.
 * onOpenDays([fri, sun, tue], { timeZone: 'Europe/Berlin', clinicDays: [1, 2, 3, 4, 5], closedDates: [], minHoursBetween: 20 });
 * ```
 */
export function onOpenDays(dates: readonly number[], calendar: ClinicCalendar, previous: number | null = null): number[] {
  const out: number[] = [];
  let last = previous;
  const gap = calendar.minHoursBetween * 3_600_000;
  for (const date of dates) {
    let t = date;
    // Bounded: at most one step per closed date and per weekday cycle.
    for (let i = 0; i < 2_000 && (closedDayReason(t, calendar) !== null || (last !== null && t - last < gap)); i++) t = addLocalDays(t, 1, calendar.timeZone);
    out.push(t);
    last = t;
  }
  return out;
}
