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
   * Creates the clock. It has no settings and holds no state: every `now()` reads the machine's
   * time afresh, and timers fall due by it.
   *
   * @example
   * ```ts
   * const engine = createEngine({ definition: ketamineAnxietyJourney, store: new SqliteStore({ path: 'journeys.db' }), clock: new SystemClock(), protocol });
   * ```
   */
  constructor() {}

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
