import type { Clock } from './Clock.js';
import { toMillis, type Duration } from './duration.js';

/**
 * A clock that moves only when told: runs a six-month journey in milliseconds.
 *
 * @example
 * ```ts
 * const clock = new ManualClock('2026-01-05T09:00:00Z');
 * clock.advance({ days: 3 });
 * clock.advanceTo('2026-02-01T09:00:00Z');
 * ```
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: Date | string | number = 0) {
    this.#now = ManualClock.#instant(start);
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by a duration (a number is milliseconds). Returns the new time. */
  advance(duration: Duration | number): number {
    this.#now += toMillis(duration);
    return this.#now;
  }

  /** Moves time forward to an instant. Time never goes backwards. */
  advanceTo(instant: Date | string | number): number {
    const target = ManualClock.#instant(instant);
    if (target < this.#now) {
      throw new RangeError(
        `ManualClock cannot go back in time: now ${new Date(this.#now).toISOString()}, asked for ${new Date(target).toISOString()}`,
      );
    }
    this.#now = target;
    return this.#now;
  }

  static #instant(value: Date | string | number): number {
    const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
    if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(value)}`);
    return ms;
  }
}
