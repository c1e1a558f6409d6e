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
  now(): number {
    return Date.now();
  }
}
