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
