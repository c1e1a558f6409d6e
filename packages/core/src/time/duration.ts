import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { lazyInstance, once } from '../lazyInstance.js';
import { parseArgument } from '../validation/parseArgument.js';

/**
 * Schema of a {@link Duration}: non-negative, finite numbers of weeks, days, hours, minutes,
 * seconds and milliseconds, every unit optional. Protocol and plugin options use it.
 *
 * @example
 * ```ts
 * const options = z.strictObject({ leadTime: durationSchema });
 * options.parse({ leadTime: { hours: 24 } }); // ok
 * options.safeParse({ leadTime: { hours: -1 } }).success; // false
 * ```
 */
export const durationSchema = lazyInstance(() =>
  z.strictObject({
    weeks: z.number().finite().nonnegative().optional(),
    days: z.number().finite().nonnegative().optional(),
    hours: z.number().finite().nonnegative().optional(),
    minutes: z.number().finite().nonnegative().optional(),
    seconds: z.number().finite().nonnegative().optional(),
    ms: z.number().finite().nonnegative().optional(),
  }),
);

/**
 * A span of time, e.g. `{ days: 2, hours: 3 }`. Fields add up; {@link toMillis} converts it.
 *
 * @example
 * ```ts
 * const observation: Duration = { hours: 2 };
 * toMillis(observation); // 7_200_000
 * ```
 *
 * @useDeclaredType
 */
export type Duration = z.infer<typeof durationSchema>;

/** A duration or a number of milliseconds, as `toMillis` takes it; built once, on first use. */
const durationOrMillis = once(() => z.union([z.number().finite().nonnegative(), durationSchema]));

const MS = { weeks: 604_800_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, ms: 1 } as const;

/**
 * Milliseconds in a duration (a plain number is taken as milliseconds). Throws
 * `CJ_ERR_INVALID_INPUT` for anything else (negative, NaN, unknown units).
 *
 * @example
 * ```ts
 * toMillis({ hours: 2, minutes: 30 }); // 9_000_000
 * ```
 */
export function toMillis(duration: Duration | number): number {
  const parsed = parseArgument(durationOrMillis(), duration, 'CJ_ERR_INVALID_INPUT', 'The duration', 'duration');
  let total = 0;
  if (typeof parsed === 'number') {
    total = parsed;
  } else {
    for (const unit of Object.keys(MS) as (keyof typeof MS)[]) total += (parsed[unit] ?? 0) * MS[unit];
  }
  if (!Number.isFinite(total)) {
    throw new CareJourneyError('CJ_ERR_INVALID_INPUT', 'The duration is invalid: duration: adds up to more milliseconds than a number holds.', {
      issues: [{ path: 'duration', rule: 'too_big', message: 'adds up to more milliseconds than a number holds' }],
    });
  }
  return total;
}
