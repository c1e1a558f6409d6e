import type { z } from 'zod';
import type { FieldIssue } from '../errors.js';

/** Turns zod issues into field issues with dotted paths under `root`. */
export function zodIssues(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.map((issue) => {
    let path = root;
    for (const part of issue.path) {
      path = typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${String(part)}` : String(part);
    }
    return { path: path || '(root)', rule: issue.code, message: issue.message };
  });
}

/** One line naming each field and its rule, for error messages. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/** A path segment of a stored value that may be named: an identifier, not free text. */
const NAMEABLE = /^[A-Za-z_$][\w$]{0,63}$/;

/**
 * Describes what is wrong with a value read back from a store: each field and the rule's code
 * only. Zod's messages can quote what they found (an unknown key, a literal), and stored rows
 * hold clinical data, so an error about them carries no message; path segments that are not
 * plain identifiers (record keys chosen by data) are shown as `*`.
 */
export function describeStoredIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      let path = root;
      for (const part of issue.path) path += typeof part === 'number' ? `[${part}]` : `.${typeof part === 'string' && NAMEABLE.test(part) ? part : '*'}`;
      return `${path} (${issue.code})`;
    })
    .join('; ');
}
