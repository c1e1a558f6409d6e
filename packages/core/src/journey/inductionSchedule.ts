import { addLocalDays } from '../time/addLocalDays.js';
import { onOpenDays, type ClinicCalendar } from './clinicCalendar.js';
import type { ScheduleBlock } from './protocol.js';

/**
 * One session of a generated schedule.
 *
 * @example
 * ```ts
 * const [first, second] = inductionSchedule([{ weeks: 2, days: [0, 2, 4] }], Date.parse('2026-03-09T08:00:00Z'), 'Europe/Berlin');
 * new Date(second!.dueAt).toISOString(); // '2026-03-11T08:00:00.000Z', block 0
 * ```
 */
export interface ScheduledDate {
  /** Epoch milliseconds. */
  readonly dueAt: number;
  /** Index of the schedule block the session belongs to (a missed esketamine session may return to the previous block). */
  readonly block: number;
}

/**
 * The induction sessions of a route's schedule, due from the first session on: each block runs
 * its weeks with a session on each of its days, blocks one after the other. `days` are calendar-day
 * offsets within each week counted from the first session's day (0 = the first session's weekday),
 * in the clinic's time zone, so every session keeps the first session's local time of day, across
 * daylight-saving changes too. With a clinic calendar, a date on a closed day moves to the next
 * open day, keeping the minimum interval to the sessions after it.
 *
 * @example
 * ```ts
 * // Esketamine: twice weekly in weeks 1-4, then weekly in weeks 5-8 → 12 sessions.
 * inductionSchedule([{ weeks: 4, days: [0, 3] }, { weeks: 4, days: [0] }], Date.parse('2026-03-02T09:00:00Z'), 'Europe/Berlin');
 * ```
 */
export function inductionSchedule(blocks: readonly ScheduleBlock[], firstSessionAt: number, timeZone: string, calendar?: ClinicCalendar): ScheduledDate[] {
  const out: ScheduledDate[] = [];
  // Day offsets from the first session: the first block's first day is day 0.
  let blockStart = -(blocks[0]?.days[0] ?? 0);
  blocks.forEach((block, index) => {
    for (let week = 0; week < block.weeks; week++) {
      for (const day of block.days) out.push({ dueAt: addLocalDays(firstSessionAt, blockStart + week * 7 + day, timeZone), block: index });
    }
    blockStart += block.weeks * 7;
  });
  return calendar ? placed(out, calendar) : out;
}

function placed(dates: ScheduledDate[], calendar: ClinicCalendar, previous: number | null = null): ScheduledDate[] {
  const times = onOpenDays(
    dates.map((d) => d.dueAt),
    calendar,
    previous,
  );
  return dates.map((d, i) => ({ ...d, dueAt: times[i] ?? d.dueAt }));
}

/**
 * `count` sessions following one block's weekly pattern, the first at `startAt`: used to extend
 * an induction and to return to a more frequent schedule after a missed session.
 *
 * @example
 * ```ts
 * continueSchedule({ weeks: 1, days: [0, 3] }, 1, 3, Date.parse('2026-04-06T09:00:00Z'), 'Europe/Berlin'); // days 0, 3, 7
 * ```
 */
export function continueSchedule(
  block: ScheduleBlock,
  blockIndex: number,
  count: number,
  startAt: number,
  timeZone: string,
  calendar?: ClinicCalendar,
  previous: number | null = null,
): ScheduledDate[] {
  const out: ScheduledDate[] = [];
  const first = block.days[0] ?? 0;
  for (let week = 0; out.length < count; week++) {
    for (const day of block.days) {
      if (out.length >= count) break;
      out.push({ dueAt: addLocalDays(startAt, week * 7 + day - first, timeZone), block: blockIndex });
    }
  }
  return calendar ? placed(out, calendar, previous) : out;
}
