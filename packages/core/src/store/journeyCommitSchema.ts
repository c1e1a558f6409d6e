import { z } from 'zod';
import { lazyInstance } from '../lazyInstance.js';
import { protocolRecordSchema } from './protocolRecord.js';
import { journalEntrySchema, journeyRecordSchema, outboxItemSchema, timerRowSchema } from './records.js';

/**
 * Schema of a {@link JourneyCommit}: the record, the journal entry, timers and outbox items with
 * their fields and types. Cheap by design, it is checked on every commit: the snapshot and the
 * payloads are not walked (a store serializes them, and refuses what does not serialize).
 * Built on first use, not at import: its `.extend(...)` calls would build the record schemas too.
 */
export const journeyCommitSchema = lazyInstance(() => {
  /**
   * A JSON object, checked without walking it: a commit's payloads and the snapshot are serialized
   * once by the store, and serializing is what proves them JSON. Walking them here would parse
   * every snapshot twice per event.
   */
  const jsonObject = z.custom<Record<string, unknown>>((value) => value !== null && typeof value === 'object' && !Array.isArray(value), {
    message: 'must be a JSON object',
  });
  return z.strictObject({
    journey: journeyRecordSchema,
    expectedVersion: z.int().min(0),
    entry: journalEntrySchema.extend({ payload: jsonObject }).optional(),
    idempotencyKey: z.string().optional(),
    timersToSet: z.array(timerRowSchema.extend({ event: jsonObject.optional() })),
    timersToCancel: z.array(z.string()),
    outbox: z.array(outboxItemSchema),
    protocols: z.array(protocolRecordSchema.extend({ protocol: jsonObject })).optional(),
  });
});
