import { z } from 'zod';

/**
 * Validates an {@link Actor}: an opaque id (1-200 characters) and a role (1-100).
 *
 * @example
 * ```ts
 * actorSchema.parse({ id: 'rn-bo', role: 'nurse' });
 * ```
 */
export const actorSchema = z.strictObject({
  id: z.string().min(1).max(200),
  role: z.string().min(1).max(100),
});

/**
 * Who did something: an opaque id from the host and a role of the journey's policy.
 *
 * @example
 * ```ts
 * const nurse: Actor = { id: 'rn-bo', role: 'nurse' };
 * await engine.send(id, { type: 'predose.vitalsRecorded', systolic: 124, diastolic: 80, heartRate: 72 }, { actor: nurse });
 * ```
 */
export type Actor = z.infer<typeof actorSchema>;

/**
 * The actor the engine uses for timers it fires and for events it derives.
 *
 * @example
 * ```ts
 * const fired = (await engine.history(id)).filter((e) => e.actor.role === SYSTEM_ACTOR.role); // timer entries
 * ```
 */
export const SYSTEM_ACTOR: Actor = { id: 'carejourney', role: 'system' };

/**
 * The persisted XState snapshot as carejourney stores it. Checked when read back from a store.
 *
 * @example
 * ```ts
 * const snapshot = persistedSnapshotSchema.parse(JSON.parse(row.snapshot)); // in a store's read path
 * ```
 */
export const persistedSnapshotSchema = z.looseObject({
  status: z.enum(['active', 'done', 'error', 'stopped']),
  value: z.union([z.string(), z.record(z.string(), z.unknown())]),
  context: z.record(z.string(), z.unknown()),
  historyValue: z.record(z.string(), z.array(z.looseObject({ id: z.string() }))).optional(),
  children: z.record(z.string(), z.unknown()).optional(),
});
/**
 * A persisted XState snapshot: status, state value, context and history.
 *
 * @example
 * ```ts
 * const snapshot: PersistedSnapshot = replayJournal(ketamineAnxietyJourney, await engine.history(id));
 * snapshot.value; // the state value the journal leads to
 * ```
 */
export type PersistedSnapshot = z.infer<typeof persistedSnapshotSchema>;

/**
 * One journey as a store holds it. `snapshot` is JSON; `version` rises by one per commit.
 *
 * @example
 * ```ts
 * const record = journeyRecordSchema.parse(rowToRecord(row)); // a store checks what it reads back
 * ```
 */
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
/**
 * One journey as a store holds it: ids, definition version, optimistic-concurrency version, snapshot, flattened state, phase and status.
 *
 * @example
 * ```ts
 * const record: JourneyRecord | undefined = await store.load(journeyId);
 * record?.state; // 'care.clinical.intake.screening|care.therapy.notLinked'
 * ```
 */
export type JourneyRecord = z.infer<typeof journeyRecordSchema>;

export const journalKindSchema = z.enum(['start', 'event', 'timer']);

/**
 * One applied event: who, what, when, from which state to which. Append-only.
 *
 * @example
 * ```ts
 * const entries = rows.map((row) => journalEntrySchema.parse(row)); // a store's journal read
 * ```
 */
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
/**
 * One applied event in a journey's append-only journal: who, what, when, from which state to which.
 *
 * @example
 * ```ts
 * for (const entry of await engine.history(id)) {
 *   console.log(entry.at, entry.actor.role, entry.type, entry.from, '→', entry.to);
 * }
 * ```
 */
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/**
 * A durable timer: an XState `after` delay (owner `machine`) or a plugin's timer.
 *
 * @example
 * ```ts
 * const due = rows.map((row) => timerRowSchema.parse(row)).filter((t) => t.dueAt <= clock.now());
 * ```
 */
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
/**
 * A durable timer a store keeps: a machine `after` delay or a plugin's timer, fired once by `runDue()`.
 *
 * @example
 * ```ts
 * const row: TimerRow = { journeyId, key: 'plugin:reminders:session-3', owner: 'plugin:reminders', dueAt: Date.parse('2026-03-10T08:00:00Z'), payload: { sessionNumber: 3 } };
 * ```
 */
export type TimerRow = z.infer<typeof timerRowSchema>;

/**
 * Something to deliver after a commit, at least once, with a stable id.
 *
 * @example
 * ```ts
 * const pending = (await store.pendingOutbox(100)).map((item) => outboxItemSchema.parse(item));
 * ```
 */
export const outboxItemSchema = z.strictObject({
  id: z.string(),
  journeyId: z.string(),
  /** `transition` after every applied event; `effect` for an emitted effect; `timer` for a plugin timer. */
  kind: z.enum(['transition', 'effect', 'timer']),
  type: z.string(),
  payload: z.unknown(),
  createdAt: z.string(),
});
/**
 * Something to deliver after a commit (a transition, an effect or a plugin timer), at least once, with a stable id.
 *
 * @example
 * ```ts
 * const item: OutboxItem = { id: 'j1:7:effect:0', journeyId: 'j1', kind: 'effect', type: 'safety.alert', payload: { kind: 'hold' }, createdAt: '2026-03-09T09:21:00.000Z' };
 * ```
 */
export type OutboxItem = z.infer<typeof outboxItemSchema>;
