import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { once } from '../lazyInstance.js';
import { parseArgument } from '../validation/parseArgument.js';
import type { Clock } from './Clock.js';
import { toMillis, type Duration } from './duration.js';

/** The range of a JavaScript Date: a clock never moves beyond it. */
const MAX_INSTANT = 8.64e15;

/** What a clock can be set to; built on first use, not at import. */
const instantSchema = once(() =>
  z.union([
    z.date().refine((d) => Number.isFinite(d.getTime()), { message: 'must be a valid Date' }),
    z.iso.datetime({ offset: true }),
    z.number().finite().min(-MAX_INSTANT).max(MAX_INSTANT),
  ]),
);

/**
 * A clock that moves only when told: runs a six-month journey in milliseconds. It starts at
 * the instant given (epoch 0 by default) and never goes back. Arguments are validated: a bad
 * one throws `CJ_ERR_INVALID_INPUT` and leaves the clock where it was.
 *
 * @example
 * ```ts
 * const clock = new ManualClock('2026-01-05T09:00:00Z');
 * clock.advance({ days: 3 });              // or a number of milliseconds
 * clock.advanceTo('2026-02-01T09:00:00Z'); // an ISO 8601 instant, a Date or epoch milliseconds
 * ```
 */
export class ManualClock implements Clock {
  #now: number;

  /**
   * Creates a clock standing at `start` (epoch 0 when omitted). A start that is not a valid
   * instant (no offset, an invalid Date, beyond the range of a Date) throws `CJ_ERR_INVALID_INPUT`.
   *
   * @param start an ISO 8601 instant with an offset (`Z` or `+01:00`), a Date, or epoch milliseconds.
   *
   * @example
   * ```ts
   * const clock = new ManualClock('2026-03-02T08:00:00Z');
   * const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock, protocol });
   * ```
   */
  constructor(start: Date | string | number = 0) {
    this.#now = ManualClock.#instant(start, 'start');
  }

  /**
   * The clock's time in milliseconds since the Unix epoch: the start plus every move since. It
   * changes only when `advance` or `advanceTo` is called.
   *
   * @example
   * ```ts
   * new ManualClock('2026-01-05T09:00:00Z').now(); // 1767603600000
   * ```
   */
  now(): number {
    return this.#now;
  }

  /**
   * Moves time forward by a duration (`{ weeks, days, hours, minutes, seconds, ms }`, or a number
   * of milliseconds). Returns the new time. Timers fall due but fire only when `engine.runDue()`
   * is called.
   *
   * @example
   * ```ts
   * clock.advance({ days: 3, hours: 2 });
   * await engine.runDue(); // fires the timers due by the new time
   * ```
   */
  advance(duration: Duration | number): number {
    const next = this.#now + toMillis(duration);
    if (next > MAX_INSTANT) {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'ManualClock cannot advance beyond the range of a Date.', {
        issues: [{ path: 'duration', rule: 'too_big', message: 'moves the clock beyond the range of a Date' }],
      });
    }
    this.#now = next;
    return this.#now;
  }

  /**
   * Moves time forward to an instant. Time never goes backwards: an earlier instant throws
   * `CJ_ERR_INVALID_INPUT`; the current instant leaves the clock where it is. Returns the new time.
   *
   * @example
   * ```ts
   * clock.advanceTo('2026-03-09T08:00:00Z'); // the morning of the next session
   * await engine.runDue();
   * ```
   */
  advanceTo(instant: Date | string | number): number {
    const target = ManualClock.#instant(instant, 'instant');
    if (target < this.#now) {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `ManualClock cannot go back in time: it is at ${new Date(this.#now).toISOString()}, and the instant is earlier.`, {
        issues: [{ path: 'instant', rule: 'too_small', message: 'is earlier than the clock' }],
      });
    }
    this.#now = target;
    return this.#now;
  }

  static #instant(value: unknown, path: string): number {
    const parsed = parseArgument(instantSchema(), value, 'CJ_ERR_INVALID_INPUT', `The ManualClock ${path}`, path);
    return parsed instanceof Date ? parsed.getTime() : typeof parsed === 'string' ? Date.parse(parsed) : parsed;
  }
}
