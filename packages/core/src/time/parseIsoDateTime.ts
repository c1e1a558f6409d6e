import { daysInIsoMonth } from './epochDays.js';

// The grammar Temporal reads a date-time string with (RFC 9557: an ISO 8601 date, optionally a
// time, `Z` or an offset, a bracketed time zone and annotations such as `[u-ca=iso8601]`), as the
// Temporal polyfill this replaces wrote it, so the same strings are accepted and refused.

const time = (separatorGroup: number, leapSecond = '') =>
  `([01]\\d|2[0-3])(?:(:?)([0-5]\\d)(?:\\${separatorGroup}([0-5]\\d${leapSecond})(?:[.,](\\d{1,9}))?)?)?`;
const DATE_TIME = new RegExp(
  '^((?!-0{6})[+-]\\d{6}|\\d{4})(-?)(0[1-9]|1[0-2])\\2(0[1-9]|[12]\\d|3[01])' +
    `(?:[Tt ]${time(6, '|60')}(?:([Zz])|(([+-])${time(14)}))?)?` +
    '(?:\\[!?([+-](?:[01]\\d|2[0-3])(?::?[0-5]\\d)?|[a-zA-Z._][\\w.+-]*(?:/[a-zA-Z._][\\w.+-]*)*)\\])?' +
    '((?:\\[!?[a-z_][a-z\\d_-]*=[a-zA-Z\\d]+(?:-[a-zA-Z\\d]+)*\\])*)$',
);
const ANNOTATION = /\[(!?)([^=]+)=([^\]]+)/g;

/** A date-time string as read: the fields it gives and what it says about zone and calendar. */
export interface IsoDateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** 0-59: a leap second (`:60`) reads as 59. */
  readonly second: number;
  /** Nanoseconds after the second (0-999,999,999). */
  readonly subsecondNanos: number;
  /** Whether the string has a time. */
  readonly hasTime: boolean;
  /** Whether it ends in `Z` (UTC). */
  readonly utc: boolean;
  /** The UTC offset it gives, as written (`+01:00`), if any. */
  readonly offset: string | undefined;
  /** The bracketed time zone (`[Europe/Berlin]`), if any. */
  readonly timeZone: string | undefined;
  /** The `u-ca` calendar annotation, lower-cased; `iso8601` without one. */
  readonly calendar: string;
}

/**
 * Reads an RFC 9557 / ISO 8601 date-time string. Returns `undefined` when the string does not
 * have that form; throws a `RangeError` for a date that does not exist (`2027-02-30`) or a
 * critical annotation it does not know.
 *
 * @example
 * ```ts
 * parseIsoDateTime('2027-03-14T02:30')?.hour; // 2
 * parseIsoDateTime('Europe/Berlin'); // undefined
 * ```
 */
export function parseIsoDateTime(s: string): IsoDateTimeParts | undefined {
  const parts = DATE_TIME.exec(s);
  if (parts === null) return undefined;
  const { calendar, timeZone } = annotations(parts[18], parts[19] ?? '');
  const year = parseInt(parts[1]!, 10);
  const month = parseInt(parts[3]!, 10);
  const day = parseInt(parts[4]!, 10);
  if (day > daysInIsoMonth(year, month)) throw new RangeError(`day must be between 1 and ${daysInIsoMonth(year, month)}: ${s}`);
  return {
    year,
    month,
    day,
    hour: parts[5] === undefined ? 0 : parseInt(parts[5], 10),
    minute: parts[7] === undefined ? 0 : parseInt(parts[7], 10),
    second: parts[8] === undefined ? 0 : Math.min(parseInt(parts[8], 10), 59),
    subsecondNanos: parseInt((parts[9] ?? '').padEnd(9, '0'), 10),
    hasTime: parts[5] !== undefined,
    utc: parts[10] !== undefined,
    offset: parts[11],
    timeZone,
    calendar,
  };
}

function annotations(timeZone: string | undefined, s: string): { timeZone: string | undefined; calendar: string } {
  const calendars: string[] = [];
  let calendarCritical = false;
  s.replace(ANNOTATION, (whole, critical: string, key: string, value: string) => {
    if (key === 'u-ca') {
      calendars.push(value.toLowerCase());
      calendarCritical ||= critical === '!';
    } else if (critical === '!') {
      throw new RangeError(`Cannot parse: ${whole}`);
    }
    return '';
  });
  if (calendars.length > 1 && calendarCritical) throw new RangeError(`Cannot parse: ${s}`);
  return { timeZone, calendar: calendars[0] ?? 'iso8601' };
}
