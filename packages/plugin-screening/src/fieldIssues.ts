import { CareJourneyError, type CareJourneyErrorCode, type FieldIssue } from '@carejourney/core';
import type { z } from 'zod';

/** zod issues as field issues with dotted paths under `root` (core's shape for refusals). */
export function fieldIssues(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.map((issue) => {
    let path = root;
    for (const part of issue.path) {
      path = typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${String(part)}` : String(part);
    }
    return { path: path || '(root)', rule: issue.code, message: issue.message };
  });
}

/** A refusal naming every field and its rule; never the submitted values. */
export function refusal(code: CareJourneyErrorCode, what: string, issues: readonly FieldIssue[]): CareJourneyError {
  const listed = issues
    .slice(0, 10)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > 10 ? ` (and ${issues.length - 10} more)` : '';
  return new CareJourneyError(code, `${what} ${listed}${more}`, { issues });
}
