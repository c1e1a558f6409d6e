/**
 * The only source of time for the engine. Inject `ManualClock` in tests and examples,
 * `SystemClock` in production.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.parse('2026-03-02T08:30:00Z') }; // or new ManualClock(...) / new SystemClock()
 * createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol });
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
