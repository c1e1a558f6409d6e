import { resolveTimeZone, type TimeZone } from './resolveTimeZone.js';

// The one place carejourney turns instants into wall-clock times and back. Everything in a clinic's
// or a patient's time zone goes through here: daylight-saving rules come from the runtime's IANA
// data (Intl), a wall-clock time skipped by a spring-forward moves forward by the gap in every
// zone, and one that occurs twice takes the earlier instant, as Temporal's `compatible` does.
// Arguments are checked, and refused with the same errors, as Temporal checks them.

const DAY_MS = 86_400_000;
/** The last second an instant may fall in: 10^8 days either side of 1970, the range of a Date. */
const MAX_SECONDS = 864e10;

/** An instant as the clocks of a zone show it. */
export interface ZonedTime {
  readonly zone: TimeZone;
  /** The instant, checked: epoch milliseconds. */
  readonly epochMs: number;
  /** The wall-clock date, as days since 1970-01-01. */
  readonly epochDays: number;
  /** Milliseconds since wall-clock midnight. */
  readonly msOfDay: number;
  /** The zone's UTC offset at the instant, in seconds. */
  readonly offsetSeconds: number;
}

/**
 * An epoch-milliseconds instant as the clocks of `timeZone` show it. Throws a `RangeError` for an
 * instant that is not a whole number within the range of a Date, and for an unknown zone.
 *
 * @example
 * ```ts
 * zoned(Date.parse('2026-03-09T08:00:00Z'), 'Europe/Berlin').msOfDay; // 32_400_000 (09:00)
 * ```
 */
export function zoned(instant: number, timeZone: string): ZonedTime {
  const ms = checkedInstant(instant);
  const zone = resolveTimeZone(timeZone);
  const offsetSeconds = zone.offsetAt(Math.floor(ms / 1000));
  const wall = ms + offsetSeconds * 1000;
  const epochDays = Math.floor(wall / DAY_MS);
  return { zone, epochMs: ms, epochDays, msOfDay: wall - epochDays * DAY_MS, offsetSeconds };
}

/**
 * The instant (epoch seconds) at which `zone`'s clocks show `wallSeconds` (the wall-clock date
 * and time as seconds since 1970-01-01T00:00) and `subsecondNanos` after it: in a fall-back
 * overlap the earlier one, in a spring-forward gap the time moved forward by the gap. Throws a
 * `RangeError` beyond the range of a Date.
 *
 * @example
 * ```ts
 * // 02:30 does not exist in New York on 2027-03-14: 03:30 EDT, 2027-03-14T07:30:00Z
 * instantAt(resolveTimeZone('America/New_York'), Date.UTC(2027, 2, 14, 2, 30) / 1000, 0) * 1000;
 * ```
 */
export function instantAt(zone: TimeZone, wallSeconds: number, subsecondNanos: number): number {
  const candidates = checkedInstants(zone.instantsAt(wallSeconds), subsecondNanos);
  if (candidates.length > 0) return candidates[0]!;
  const gap = zone.offsetAt(wallSeconds + 86_400) - zone.offsetAt(wallSeconds - 86_400);
  if (gap > 86_400) throw new RangeError('Out-of-bounds TimeZone gap');
  const shifted = checkedInstants(zone.instantsAt(wallSeconds + gap), subsecondNanos);
  const last = shifted[shifted.length - 1];
  if (last === undefined) throw new TypeError(`No instant shows this wall-clock time in the zone`);
  return last;
}

/**
 * A UTC offset as Temporal writes it: `+01:00`, `-04:00`, or `+00:53:28` for an offset with seconds.
 *
 * @example
 * ```ts
 * formatOffset(-14_400); // '-04:00'
 * ```
 */
export function formatOffset(offsetSeconds: number): string {
  const abs = Math.abs(offsetSeconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = abs % 60;
  return `${offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${seconds ? `:${pad(seconds)}` : ''}`;
}

/**
 * A whole number, checked as Temporal checks one (`Temporal.Duration` fields, epoch milliseconds):
 * a BigInt is a `TypeError`, anything else is converted with `Number()` and must be finite and whole.
 *
 * @example
 * ```ts
 * strictInteger(3, 'days'); // 3
 * strictInteger(1.5, 'days'); // throws RangeError
 * ```
 */
export function strictInteger(value: unknown, what: string): number {
  if (typeof value === 'bigint') throw new TypeError(`Cannot convert BigInt to ${what}`);
  const n = Number(value);
  if (!Number.isFinite(n)) throw new RangeError(`Non-finite ${what}: ${n}`);
  if (!Number.isInteger(n)) throw new RangeError(`Non-integer ${what}: ${n}`);
  return n || 0;
}

/** Epoch milliseconds as `Temporal.Instant.fromEpochMilliseconds` accepts them. */
function checkedInstant(value: unknown): number {
  const ms = strictInteger(value, 'number');
  if (ms < -MAX_SECONDS * 1000 || ms > MAX_SECONDS * 1000) throw new RangeError('Out-of-bounds date');
  return ms;
}

function checkedInstants(epochSeconds: number[], subsecondNanos: number): number[] {
  for (const s of epochSeconds) {
    if (s < -MAX_SECONDS || s > MAX_SECONDS || (s === MAX_SECONDS && subsecondNanos > 0)) throw new RangeError('Out-of-bounds date');
  }
  return epochSeconds;
}
