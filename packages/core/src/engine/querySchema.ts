import { z } from 'zod';
import { identifierSchema } from '../validation/identifierSchema.js';
import type { EngineCore } from './EngineCore.js';

/**
 * What `engine.query` accepts; every field given must match. With the definition's phases and
 * states known, a phase or state path the journey does not have is refused by name instead of
 * silently finding nothing.
 */
export function querySchema(core: EngineCore) {
  const phases = core.definition.phases;
  return z.strictObject({
    patientRef: identifierSchema.optional(),
    phase: (phases === undefined ? identifierSchema : z.enum(phases as [string, ...string[]])).optional(),
    state: z
      .string()
      .refine((path) => core.statePaths.has(path), { message: `is not a state of "${core.definition.id}": give a dotted path from the root, e.g. "${[...core.statePaths].at(-1) ?? ''}"` })
      .optional(),
    status: z.enum(['active', 'done', 'error', 'stopped']).optional(),
    definitionId: identifierSchema.optional(),
    limit: z.int().min(0).max(100_000).optional(),
    after: identifierSchema.optional(),
  });
}
