import { z } from 'zod';

export const actorSchema = z.strictObject({
  id: z.string().min(1).max(200),
  role: z.string().min(1).max(100),
});

/**
 * Who did something: an opaque id from the host and a role of the journey's policy. Engines
 * type `role` with the definition's roles (`JourneyRoleFrom<typeof definition>`).
 *
 * @example
 * ```ts
 * const nurse: Actor<KetamineRole> = { id: 'n-1', role: 'nurse' };
 * ```
 */
export interface Actor<TRole extends string = string> {
  id: string;
  role: TRole;
}

/** The actor the engine uses for timers it fires and for events it derives. */
export const SYSTEM_ACTOR: Actor = { id: 'carejourney', role: 'system' };

/** The persisted XState snapshot as carejourney stores it. Checked when read back from a store. */
export const persistedSnapshotSchema = z.looseObject({
  status: z.enum(['active', 'done', 'error', 'stopped']),
  value: z.union([z.string(), z.record(z.string(), z.unknown())]),
  context: z.record(z.string(), z.unknown()),
  historyValue: z.record(z.string(), z.array(z.looseObject({ id: z.string() }))).optional(),
  children: z.record(z.string(), z.unknown()).optional(),
});
export type PersistedSnapshot = z.infer<typeof persistedSnapshotSchema>;

/** One journey as a store holds it. `snapshot` is JSON; `version` rises by one per commit. */
export const journeyRecordSchema = z.strictObject({
  id: z.string().min(1),
  definitionId: z.string().min(1),
  definitionVersion: z.number().int().positive(),
  patientRef: z.string().min(1),
  version: z.number().int().positive(),
  /** Number of journal entries so far; the next entry's `seq` is this plus one. */
  lastSeq: z.number().int().nonnegative(),
  snapshot: z.unknown(),
  /** The state value flattened to dotted paths joined by `|` for parallel regions. */
  state: z.string(),
  phase: z.string(),
  status: z.enum(['active', 'done', 'error', 'stopped']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type JourneyRecord = z.infer<typeof journeyRecordSchema>;

export const journalKindSchema = z.enum(['start', 'event', 'timer']);

/** One applied event: who, what, when, from which state to which. Append-only. */
export const journalEntrySchema = z.strictObject({
  journeyId: z.string(),
  seq: z.number().int().positive(),
  kind: journalKindSchema,
  type: z.string(),
  /** The validated event payload (for `start`, the start input). */
  payload: z.record(z.string(), z.unknown()),
  actor: actorSchema,
  /** When the event took effect (ISO 8601): the clock's time, or a timer's due time. */
  at: z.string(),
  /** When the engine applied it (ISO 8601). Differs from `at` for late timers. */
  recordedAt: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  definitionVersion: z.number().int().positive(),
  idempotencyKey: z.string().optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** A durable timer: an XState `after` delay (owner `machine`) or a plugin's timer. */
export const timerRowSchema = z.strictObject({
  journeyId: z.string(),
  /** Unique per journey, e.g. `machine:xstate.after.1000.j.b` or `plugin:reminders:sms-1`. */
  key: z.string(),
  owner: z.string(),
  dueAt: z.number().finite(),
  /** For machine timers: the event to send when due. */
  event: z.record(z.string(), z.unknown()).optional(),
  /** For plugin timers: the plugin's payload. */
  payload: z.unknown().optional(),
});
export type TimerRow = z.infer<typeof timerRowSchema>;

/** Something to deliver after a commit, at least once, with a stable id. */
export const outboxItemSchema = z.strictObject({
  id: z.string(),
  journeyId: z.string(),
  /** `transition` after every applied event; `effect` for an emitted effect; `timer` for a plugin timer. */
  kind: z.enum(['transition', 'effect', 'timer']),
  type: z.string(),
  payload: z.unknown(),
  createdAt: z.string(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;
