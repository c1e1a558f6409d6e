/**
 * Exponential backoff between delivery attempts.
 *
 * @example
 * ```ts
 * const retry: RetryPolicy = { maxAttempts: 3, initialDelayMinutes: 5, maxDelayMinutes: 30 };
 * remindersPlugin({ deliver, retry }); // waits 5, then 10 minutes
 * ```
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  readonly maxAttempts: number;
  /** Wait before the second attempt, in minutes (default 1); it doubles every attempt. */
  readonly initialDelayMinutes: number;
  /** The longest wait between attempts, in minutes (default 60). */
  readonly maxDelayMinutes: number;
}

/**
 * How long to wait after failed attempt `attempt` (1-based) before the next one, in ms:
 * 1, 2, 4, 8, ... minutes by default, at most `maxDelayMinutes`.
 *
 * @example
 * ```ts
 * retryDelay(3, { maxAttempts: 5, initialDelayMinutes: 1, maxDelayMinutes: 60 }); // 240_000 (4 min)
 * ```
 */
export function retryDelay(attempt: number, policy: RetryPolicy): number {
  const minutes = Math.min(policy.maxDelayMinutes, policy.initialDelayMinutes * 2 ** Math.max(0, attempt - 1));
  return Math.round(minutes * 60_000);
}
