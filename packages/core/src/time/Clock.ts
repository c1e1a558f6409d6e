/**
 * The only source of time for the engine. Inject `ManualClock` in tests and examples,
 * `SystemClock` in production.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
