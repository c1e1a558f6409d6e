import { resolveTimeZone } from './resolveTimeZone.js';

const known = new Map<string, boolean>();

/**
 * True when `timeZone` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`), in any
 * letter case, or another identifier Temporal takes for a zone (`UTC`, a `+01:00` offset).
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
      resolveTimeZone(timeZone);
      ok = true;
    } catch {
      ok = false;
    }
    known.set(timeZone, ok);
  }
  return ok;
}
