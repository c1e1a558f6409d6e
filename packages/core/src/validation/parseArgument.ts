import type { z } from 'zod';
import { CareJourneyError, type CareJourneyErrorCode, type FieldIssue } from '../errors.js';
import { describeIssues, zodIssues } from './zodIssues.js';

/**
 * Validates an argument of a public call with its zod schema. Whatever the argument (a proxy
 * whose traps throw, a getter that throws, a revoked proxy), the outcome is the parsed value or
 * a `CareJourneyError` with `code` that names each bad field and its rule.
 */
export function parseArgument<TSchema extends z.ZodType>(schema: TSchema, value: unknown, code: CareJourneyErrorCode, what: string, root: string): z.output<TSchema> {
  let issues: FieldIssue[];
  try {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    issues = zodIssues(parsed.error, root);
  } catch (error) {
    if (error instanceof CareJourneyError) throw error;
    issues = [unreadable(root)];
  }
  throw new CareJourneyError(code, `${what} is invalid: ${describeIssues(issues)}`, { issues });
}

/** The issue for a value that threw while being read (a getter or a proxy trap). */
export function unreadable(path: string): FieldIssue {
  return { path: path || '(root)', rule: 'unreadable', message: 'could not be read: a getter or proxy threw' };
}
