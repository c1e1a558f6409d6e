import { z } from 'zod';

export const durationSchema = z.strictObject({
  weeks: z.number().finite().nonnegative().optional(),
  days: z.number().finite().nonnegative().optional(),
  hours: z.number().finite().nonnegative().optional(),
  minutes: z.number().finite().nonnegative().optional(),
  seconds: z.number().finite().nonnegative().optional(),
  ms: z.number().finite().nonnegative().optional(),
});

/** A span of time, e.g. `{ days: 2, hours: 3 }`. Fields add up. */
export type Duration = z.infer<typeof durationSchema>;

const MS = { weeks: 604_800_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, ms: 1 } as const;

/**
 * Milliseconds in a duration (a plain number is taken as milliseconds).
 *
 * @example
 * ```ts
 * toMillis({ hours: 2, minutes: 30 }); // 9_000_000
 * ```
 */
export function toMillis(duration: Duration | number): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new RangeError(`duration must be a finite, non-negative number of milliseconds, got ${duration}`);
    }
    return duration;
  }
  const parsed = durationSchema.parse(duration);
  let total = 0;
  for (const unit of Object.keys(MS) as (keyof typeof MS)[]) total += (parsed[unit] ?? 0) * MS[unit];
  return total;
}
