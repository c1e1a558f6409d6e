const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of an instant in a zone, read as if it were UTC (epoch ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!, instant % 1000);
}

/** True when `timeZone` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant `days` calendar days after `instant` at the same wall-clock time in `timeZone`, so a
 * 09:00 session stays at 09:00 across a daylight-saving change. A wall-clock time that does not
 * exist on the target day (skipped by a spring-forward) moves forward by the gap.
 *
 * @example
 * ```ts
 * // 09:00 in Berlin on 2026-03-27 (UTC+1) → 09:00 on 2026-03-30 (UTC+2)
 * addLocalDays(Date.parse('2026-03-27T08:00:00Z'), 3, 'Europe/Berlin'); // 2026-03-30T07:00:00Z
 * ```
 */
export function addLocalDays(instant: number, days: number, timeZone = 'UTC'): number {
  if (timeZone === 'UTC') return instant + days * 86_400_000;
  const targetWall = wallClock(instant, timeZone) + days * 86_400_000;
  // Find the instant whose wall clock is targetWall: start from the offset at the target, correct once.
  let guess = targetWall - (wallClock(targetWall, timeZone) - targetWall);
  const miss = targetWall - wallClock(guess, timeZone);
  if (miss !== 0) guess += miss;
  return guess;
}
