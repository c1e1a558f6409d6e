import type { Clock } from './Clock.js';

/**
 * The wall clock.
 *
 * @example
 * ```ts
 * const engine = createEngine({ definition, store, clock: new SystemClock() });
 * ```
 */
export class SystemClock implements Clock {
  /**
   * The wall-clock time: `Date.now()`, milliseconds since the Unix epoch.
   *
   * @example
   * ```ts
   * const startedAt = new Date(new SystemClock().now()).toISOString();
   * ```
   */
  now(): number {
    return Date.now();
  }
}
