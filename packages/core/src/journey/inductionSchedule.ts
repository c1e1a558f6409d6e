import type { ScheduleBlock } from './protocol.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** One session of a generated schedule. */
export interface ScheduledDate {
  /** Epoch milliseconds. */
  readonly dueAt: number;
  /** Index of the schedule block the session belongs to (a missed esketamine session may return to the previous block). */
  readonly block: number;
}

/**
 * The induction sessions of a route's schedule, due from the first session on: each block runs
 * its weeks with a session on each of its days, blocks one after the other. Days count in whole
 * 24-hour steps from the first session, so every session keeps its time of day in UTC.
 *
 * @example
 * ```ts
 * // Esketamine: twice weekly in weeks 1-4, then weekly in weeks 5-8 → 12 sessions.
 * inductionSchedule([{ weeks: 4, days: [0, 3] }, { weeks: 4, days: [0] }], Date.parse('2026-03-02T09:00:00Z'));
 * ```
 */
export function inductionSchedule(blocks: readonly ScheduleBlock[], firstSessionAt: number): ScheduledDate[] {
  const out: ScheduledDate[] = [];
  const shift = (blocks[0]?.days[0] ?? 0) * DAY_MS;
  let blockStart = firstSessionAt - shift;
  blocks.forEach((block, index) => {
    for (let week = 0; week < block.weeks; week++) {
      for (const day of block.days) out.push({ dueAt: blockStart + week * WEEK_MS + day * DAY_MS, block: index });
    }
    blockStart += block.weeks * WEEK_MS;
  });
  return out;
}

/**
 * `count` sessions following one block's weekly pattern, the first at `startAt`: used to extend
 * an induction and to return to a more frequent schedule after a missed session.
 *
 * @example
 * ```ts
 * continueSchedule({ weeks: 1, days: [0, 3] }, 1, 3, Date.parse('2026-04-06T09:00:00Z')); // days 0, 3, 7
 * ```
 */
export function continueSchedule(block: ScheduleBlock, blockIndex: number, count: number, startAt: number): ScheduledDate[] {
  const out: ScheduledDate[] = [];
  const first = block.days[0] ?? 0;
  for (let week = 0; out.length < count; week++) {
    for (const day of block.days) {
      if (out.length >= count) break;
      out.push({ dueAt: startAt + week * WEEK_MS + (day - first) * DAY_MS, block: blockIndex });
    }
  }
  return out;
}
