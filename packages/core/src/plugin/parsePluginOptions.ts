import type { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';

/**
 * Validates a plugin's options with its zod schema. A failure is `CJ_ERR_INVALID_CONFIG` naming
 * the plugin, each bad field and its rule.
 *
 * @example
 * ```ts
 * const opts = parsePluginOptions('reminders', optionsSchema, options);
 * ```
 */
export function parsePluginOptions<TSchema extends z.ZodType>(plugin: string, schema: TSchema, options: unknown): z.output<TSchema> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(parsed.error, 'options');
  throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `Plugin "${plugin}" has invalid options: ${describeIssues(issues)}`, { plugin, issues });
}
