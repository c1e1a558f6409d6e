// Days since 1970-01-01 and ISO (proleptic Gregorian) dates, both ways: the calendar arithmetic
// of the time functions, computed as Temporal computes it.

/** An ISO calendar date. */
export interface IsoDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAY_MS = 86_400_000;
/** Days in a 400-year Gregorian cycle. */
const CYCLE_DAYS = 146_097;

/**
 * The remainder of `num / divisor` with the sign of the divisor.
 *
 * @example
 * ```ts
 * modFloor(-1, 7); // 6
 * ```
 */
export function modFloor(num: number, divisor: number): number {
  return ((num % divisor) + divisor) % divisor;
}

/**
 * Days since 1970-01-01 of an ISO date. Works for any year: `Date` only sees a year of the
 * 400-year cycle before year 0, where it has no two-digit-year quirk.
 *
 * @example
 * ```ts
 * isoDateToEpochDays(2026, 3, 9); // 20521
 * ```
 */
export function isoDateToEpochDays(year: number, month: number, day: number): number {
  const monthIndex = month - 1;
  const y = year + Math.floor(monthIndex / 12);
  return Date.UTC((y % 400) - 400, modFloor(monthIndex, 12), 0) / DAY_MS + CYCLE_DAYS * ((Math.trunc(y / 400) || 0) + 1) + day;
}

/**
 * The ISO date `epochDays` days after 1970-01-01 (before it, when negative).
 *
 * @example
 * ```ts
 * epochDaysToIsoDate(20521); // { year: 2026, month: 3, day: 9 }
 * ```
 */
export function epochDaysToIsoDate(epochDays: number): IsoDate {
  const date = new Date(DAY_MS * modFloor(epochDays, CYCLE_DAYS));
  return { year: date.getUTCFullYear() + 400 * Math.floor(epochDays / CYCLE_DAYS), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/**
 * Days in a month of an ISO year.
 *
 * @example
 * ```ts
 * daysInIsoMonth(2028, 2); // 29
 * ```
 */
export function daysInIsoMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
