import { Temporal } from 'temporal-polyfill';

const known = new Map<string, boolean>();

/**
 * True when `timeZone` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`).
 *
 * @example
 * ```ts
 * isTimeZone('America/New_York'); // true
 * isTimeZone('Mars/Olympus'); // false
 * ```
 */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 100) return false;
  let ok = known.get(timeZone);
  if (ok === undefined) {
    try {
      Temporal.Now.zonedDateTimeISO(timeZone);
      ok = true;
    } catch {
      ok = false;
    }
    known.set(timeZone, ok);
  }
  return ok;
}
