import { z } from 'zod';
import { CareJourneyError, type FieldIssue } from '../errors.js';
import { lazyInstance, once } from '../lazyInstance.js';
import { unreadable } from '../validation/parseArgument.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';

const WELL_FORMED = { message: 'must be well-formed Unicode text (it contains a lone surrogate)' };

/** Built on first use, not at import (zod object schemas cost at construction). */
const schemas = once(() => {
  /** Text a store compares with stored text: well-formed, or SQLite would compare an altered copy. */
  const text = z.string().refine((value) => value.isWellFormed(), WELL_FORMED);

  /**
   * Text a store keys rows by (journey ids, idempotency keys, outbox ids): non-empty and
   * well-formed Unicode. SQLite and PostgreSQL replace a lone surrogate, so such a key could read
   * another journey's rows.
   */
  const keyText = z
    .string()
    .min(1)
    .refine((value) => value.isWellFormed(), WELL_FORMED);

  /** How many rows a call returns: a whole number, zero or more. */
  const rowLimit = z.int().min(0);

  return Object.freeze({
    load: z.strictObject({ journeyId: keyText }),
    findIdempotencyKey: z.strictObject({ journeyId: keyText, key: keyText }),
    readJournal: z.strictObject({
      journeyId: keyText,
      options: z.strictObject({ fromSeq: z.int().optional(), limit: rowLimit.optional() }).optional(),
    }),
    listTimers: z.strictObject({ journeyId: keyText }),
    dueTimers: z.strictObject({ now: z.number(), limit: rowLimit }),
    pendingOutbox: z.strictObject({ limit: rowLimit, journeyId: keyText.optional() }),
    markDelivered: z.strictObject({ ids: z.array(keyText) }),
    loadProtocol: z.strictObject({ ref: keyText }),
    query: z.strictObject({
      filter: z.strictObject({
        patientRef: keyText.optional(),
        phase: text.optional(),
        state: text.optional(),
        status: z.enum(['active', 'done', 'error', 'stopped']).optional(),
        definitionId: text.optional(),
        limit: rowLimit.optional(),
        after: text.optional(),
      }),
    }),
  } as const);
});

/**
 * The zod schema of each `JourneyStore` method's arguments (but `commit`, checked by
 * `assertCommitShape`), keyed by method and then by argument name, as `checkStoreArguments`
 * applies them. Ids and keys are non-empty well-formed text, limits
 * whole numbers from 0, `now` a finite number, a query filter the fields of `JourneyQuery`.
 * The schemas are built on first use, not at import.
 *
 * @example
 * ```ts
 * storeArgumentSchemas.dueTimers.safeParse({ now: Date.now(), limit: 100 }).success; // true
 * storeArgumentSchemas.load.safeParse({ journeyId: null }).success; // false
 * ```
 */
export const storeArgumentSchemas = lazyInstance(schemas);

/**
 * Checks the arguments of a `JourneyStore` method before it reads or writes anything: a
 * host may call a store directly, with anything. Returns the checked arguments (plain values,
 * each read once); a bad one throws `CJ_ERR_INVALID_INPUT` naming the store, the method, each
 * bad argument and its rule, whatever the value (null, a Symbol, a BigInt, a proxy whose traps
 * throw). It is cheap: a few type checks, nothing is copied or serialized.
 *
 * @example
 * ```ts
 * async readJournal(journeyId: string, options?: { fromSeq?: number; limit?: number }): Promise<JournalEntry[]> {
 *   const args = checkStoreArguments('MyStore', 'readJournal', { journeyId, options });
 *   return this.#read(args.journeyId, args.options?.fromSeq ?? 1, args.options?.limit);
 * }
 * ```
 */
export function checkStoreArguments<TMethod extends keyof typeof storeArgumentSchemas>(
  store: string,
  method: TMethod,
  args: Readonly<Record<string, unknown>>,
): z.output<(typeof storeArgumentSchemas)[TMethod]> {
  let issues: FieldIssue[];
  try {
    // The schemas themselves, not their stand-in: this runs on every store call.
    const parsed = schemas()[method].safeParse(args);
    if (parsed.success) return parsed.data as z.output<(typeof storeArgumentSchemas)[TMethod]>;
    issues = zodIssues(parsed.error, '');
  } catch {
    issues = [unreadable('arguments')];
  }
  throw storeArgumentsError(store, method, issues);
}

/** The error for a store call refused before it read or wrote anything. */
export function storeArgumentsError(store: string, method: string, issues: readonly FieldIssue[]): CareJourneyError {
  return new CareJourneyError('CJ_ERR_INVALID_INPUT', `${store}.${method} refused its arguments: ${describeIssues(issues)}. Nothing was read or written.`, { issues });
}
