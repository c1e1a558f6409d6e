// Time units in epoch milliseconds, so that the rules carry no bare conversion factors: every other
// number a rule uses is a protocol setting or a named constant (ruleConstants.ts), listed in
// docs/journey.md.

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 60 * MINUTE_MS;
/** One day (24 h) in milliseconds; calendar days in the clinic's zone are counted by the time functions (src/time) instead. */
export const DAY_MS = 24 * HOUR_MS;
