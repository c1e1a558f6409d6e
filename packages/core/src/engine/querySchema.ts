import { z } from 'zod';
import { identifierSchema, isWellFormed } from '../validation/identifierSchema.js';

/** A state path: dot-separated state names, e.g. `care.clinical.treatment.onHold`. */
const statePath = z.string().min(1).max(500).regex(/^[^.|\s][^|\s]*$/, { message: 'must be a dotted state path without spaces or "|"' });

/** What `engine.query` accepts; every field given must match. */
export const querySchema = z.strictObject({
  patientRef: identifierSchema.optional(),
  phase: identifierSchema.optional(),
  state: statePath.refine(isWellFormed, { message: 'must be well-formed Unicode text' }).optional(),
  status: z.enum(['active', 'done', 'error', 'stopped']).optional(),
  definitionId: identifierSchema.optional(),
  limit: z.int().min(0).max(100_000).optional(),
  after: identifierSchema.optional(),
});
