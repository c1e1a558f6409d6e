import { z } from 'zod';
import { lazyInstance } from '../lazyInstance.js';
import { freezeNew } from './freezeNew.js';

// Each schema is built on first use, once per process, not at import (zod object schemas cost
// at construction); each exported name stands for its schema and behaves as the schema itself.

/**
 * Schema of an {@link Actor}: a non-empty `id` (at most 200 characters) and `role` (at most 100).
 * The engine checks every actor it is given with it.
 *
 * @example
 * ```ts
 * actorSchema.parse({ id: 'n-1', role: 'nurse' }); // ok
 * actorSchema.safeParse({ id: '', role: 'nurse' }).success; // false
 * ```
 */
export const actorSchema = lazyInstance(() =>
  z.strictObject({
    id: z.string().min(1).max(200),
    role: z.string().min(1).max(100),
  }),
);

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

/**
 * The actor the engine uses for timers it fires and for events it derives: journal entries by it
 * were not sent by a person. Its role `system` is added to every definition's roles.
 *
 * @example
 * ```ts
 * const history = await engine.history(id);
 * const automatic = history.filter((entry) => entry.actor.id === SYSTEM_ACTOR.id); // fired timers
 * ```
 */
export const SYSTEM_ACTOR: Actor = freezeNew({ id: 'carejourney', role: 'system' });

/**
 * Schema of the persisted XState snapshot as carejourney stores it: checked whenever a snapshot is
 * read back from a store, before migrations and `transition` see it.
 *
 * @example
 * ```ts
 * const record = await store.load(id);
 * const snapshot = persistedSnapshotSchema.parse(record?.snapshot); // throws on a damaged row
 * snapshot.value; // e.g. { treatment: { course: 'induction', therapy: 'none' } }
 * ```
 */
export const persistedSnapshotSchema = lazyInstance(() =>
  z.looseObject({
    status: z.enum(['active', 'done', 'error', 'stopped']),
    value: z.union([z.string(), z.record(z.string(), z.unknown())]),
    context: z.record(z.string(), z.unknown()),
    historyValue: z.record(z.string(), z.array(z.looseObject({ id: z.string() }))).optional(),
    children: z.record(z.string(), z.unknown()).optional(),
  }),
);
/**
 * A persisted XState snapshot (`machine.getPersistedSnapshot`): what stores keep in
 * {@link JourneyRecord.snapshot} and what a {@link SnapshotMigration} upgrades.
 *
 * @example
 * ```ts
 * const upgrade = (snapshot: PersistedSnapshot): PersistedSnapshot => ({ ...snapshot, context: { ...snapshot.context, notesRef: null } });
 * ```
 *
 * @useDeclaredType
 */
export type PersistedSnapshot = z.infer<typeof persistedSnapshotSchema>;

/**
 * Schema of a {@link JourneyRecord}: one journey as a store holds it. `snapshot` is JSON; `version`
 * rises by one per commit.
 *
 * @example
 * ```ts
 * // A store of your own can check what it read back before returning it:
 * const record = journeyRecordSchema.parse({ ...row, snapshot: JSON.parse(row.snapshot) });
 * ```
 */
export const journeyRecordSchema = lazyInstance(() =>
  z.strictObject({
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
  }),
);
/**
 * One journey as a store holds it: ids, the definition and its version, the snapshot, the state as
 * dotted paths, the phase, and the optimistic-concurrency `version`.
 *
 * @example
 * ```ts
 * const record: JourneyRecord | undefined = await store.load(id);
 * if (record) console.log(record.definitionId, record.definitionVersion, record.state, record.version);
 * ```
 *
 * @useDeclaredType
 */
export type JourneyRecord = z.infer<typeof journeyRecordSchema>;

export const journalKindSchema = lazyInstance(() => z.enum(['start', 'event', 'timer']));

/**
 * Schema of a {@link JournalEntry}: one applied event, who, what, when, from which state to which.
 * Append-only.
 *
 * @example
 * ```ts
 * const entries = (await store.readJournal(id)).map((entry) => journalEntrySchema.parse(entry));
 * ```
 */
export const journalEntrySchema = lazyInstance(() =>
  z.strictObject({
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
  }),
);
/**
 * One applied event in a journey's journal: who (`actor`), what (`type`, `payload`), when (`at`),
 * from which state to which. What `engine.history` returns, typed from the definition.
 *
 * @example
 * ```ts
 * const line = (entry: JournalEntry) => `${entry.seq} ${entry.at} ${entry.actor.role} ${entry.type}: ${entry.from ?? '-'} -> ${entry.to}`;
 * (await engine.history(id)).map(line);
 * ```
 *
 * @useDeclaredType
 */
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/**
 * Schema of a {@link TimerRow}: a durable timer, an XState `after` delay (owner `machine`) or a
 * plugin's timer.
 *
 * @example
 * ```ts
 * const timers = (await store.listTimers(id)).map((row) => timerRowSchema.parse(row));
 * ```
 */
export const timerRowSchema = lazyInstance(() =>
  z.strictObject({
    journeyId: z.string(),
    /** Unique per journey, e.g. `machine:xstate.after.1000.j.b` or `plugin:reminders:sms-1`. */
    key: z.string(),
    owner: z.string(),
    dueAt: z.number().finite(),
    /** For machine timers: the event to send when due. */
    event: z.record(z.string(), z.unknown()).optional(),
    /** For plugin timers: the plugin's payload. */
    payload: z.unknown().optional(),
  }),
);
/**
 * A durable timer as a store holds it: due at `dueAt` (epoch milliseconds), fired once by
 * `engine.runDue()`. Machine timers carry the `event` to send, plugin timers their `payload`.
 *
 * @example
 * ```ts
 * const due: TimerRow[] = await store.dueTimers(clock.now(), 100);
 * due.map((t) => `${t.owner} ${t.key} at ${new Date(t.dueAt).toISOString()}`);
 * ```
 *
 * @useDeclaredType
 */
export type TimerRow = z.infer<typeof timerRowSchema>;

/**
 * Schema of an {@link OutboxItem}: something to deliver after a commit, at least once, with a
 * stable id.
 *
 * @example
 * ```ts
 * const pending = (await store.pendingOutbox(50)).map((item) => outboxItemSchema.parse(item));
 * ```
 */
export const outboxItemSchema = lazyInstance(() =>
  z.strictObject({
    id: z.string(),
    journeyId: z.string(),
    /** `transition` after every applied event; `effect` for an emitted effect; `timer` for a plugin timer. */
    kind: z.enum(['transition', 'effect', 'timer']),
    type: z.string(),
    payload: z.unknown(),
    createdAt: z.string(),
  }),
);
/**
 * Something to deliver after a commit (a transition, an effect, a plugin timer), at least once:
 * its `id` stays the same on every redelivery, so handlers de-duplicate on it.
 *
 * @example
 * ```ts
 * // What recover() redelivers after a crash:
 * const undelivered: OutboxItem[] = await store.pendingOutbox(100);
 * undelivered.map((item) => `${item.id} ${item.kind} ${item.type}`);
 * ```
 *
 * @useDeclaredType
 */
export type OutboxItem = z.infer<typeof outboxItemSchema>;
