import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import { CareJourneyError } from '../errors.js';
import { persistedSnapshotSchema, type PersistedSnapshot } from '../store/records.js';
import { describeStoredIssues } from '../validation/zodIssues.js';
import type { AnyJourneyDefinition } from './defineJourney.js';
import { internStateValue } from './internStateValue.js';

/**
 * The persisted form of a snapshot: what XState's `machine.getPersistedSnapshot` returns, field
 * for field, less the fields holding `undefined` (JSON leaves them out, so this is exactly what a
 * store reads back). The state value is one frozen object per distinct value, and empty
 * `children` and `historyValue` are shared frozen objects, so a store that keeps unchanged parts
 * shares them. Contexts are immutable by XState's contract, so this shares them; the store
 * serializes the record as JSON when it commits. A snapshot with child actors goes through
 * XState's function (it persists each child); one without, the journeys' case, is built here,
 * without XState's walk of the whole context in search of actor references, which on a long
 * course costs more than the transition itself. Such a walk finds none: a reference held in a
 * context is to a child, or to an actor the journey could not persist anyway (a context holds
 * JSON, checked by the definition's schema on every load).
 *
 * @example
 * ```ts
 * const record = { ...journey, snapshot: persistSnapshot(definition.machine, next) };
 * ```
 */
export function persistSnapshot(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): PersistedSnapshot {
  if (hasChildren(snapshot)) return machine.getPersistedSnapshot(snapshot) as unknown as PersistedSnapshot;
  // The fields getPersistedSnapshot leaves out (the machine, its nodes, tags and methods) or
  // replaces; everything else (status, output, error, value, and whatever XState adds) is kept.
  const { _nodes, tags, machine: _machine, children: _children, context, can, hasTag, matches, getMeta, toJSON, ...kept } = snapshot as AnyMachineSnapshot & { _nodes: unknown };
  const persisted: Record<string, unknown> = {};
  // Fields holding `undefined` (an active snapshot's output and error) are left out, as JSON
  // leaves them out: the persisted form is then exactly what a store reads back.
  for (const key of Object.keys(kept)) {
    const field = (kept as Record<string, unknown>)[key];
    if (field !== undefined) persisted[key] = field;
  }
  if (persisted['value'] !== undefined) persisted['value'] = internStateValue(machine, persisted['value'] as StateValue);
  persisted['context'] = context;
  persisted['children'] = NO_CHILDREN;
  persisted['historyValue'] = persistHistory((kept as { historyValue?: unknown }).historyValue);
  return persisted as unknown as PersistedSnapshot;
}

/** The persisted `children` and `historyValue` of a snapshot without any: one frozen object each, shared. */
const NO_CHILDREN: Record<string, never> = Object.freeze({});
const NO_HISTORY: Record<string, never> = Object.freeze({});

function hasChildren(snapshot: AnyMachineSnapshot): boolean {
  for (const _ in snapshot.children) return true;
  return false;
}

/** History states as their node ids, as XState persists them. */
function persistHistory(historyValue: unknown): Record<string, { id: string }[]> {
  if (typeof historyValue !== 'object' || historyValue === null) return NO_HISTORY;
  let any = false;
  for (const _ in historyValue) {
    any = true;
    break;
  }
  if (!any) return NO_HISTORY;
  const out: Record<string, { id: string }[]> = {};
  for (const key in historyValue) {
    const nodes: unknown = (historyValue as Record<string, unknown>)[key];
    if (Array.isArray(nodes)) out[key] = nodes.map((node: { id: string }) => ({ id: node.id }));
  }
  return out;
}

/**
 * The error for a stored snapshot that cannot be used. It names the journey, the column and the
 * rule; it never quotes what it found and carries no cause, since a cause (a zod or XState
 * error) would print the stored content, which is clinical data.
 */
function corrupt(journeyId: string, what: string): CareJourneyError {
  return new CareJourneyError(
    'CJ_ERR_CORRUPT_SNAPSHOT',
    `Journey "${journeyId}" cannot be loaded: ${what}. The stored journey was left untouched; restore it from backup or fix the row.`,
    { journeyId },
  );
}

/** An error kind or path segment that may be named: an identifier, not free text. */
const NAMEABLE = /^[A-Za-z_$][\w$]{0,63}$/;
/** A V8 stack frame: a code location, e.g. `    at migrate (file:///app/migrations.js:12:7)`. */
const FRAME = /^ {4}at [^\n]{1,500}:\d+:\d+\)?$/;

/**
 * What a failed migration threw, reduced to what may be printed: its kind (`TypeError`), for a
 * zod error each path and rule it broke, and its stack frames (code locations, to find the bug).
 * Never its message or its own cause: a migration's error may quote the snapshot it was given
 * (a zod error lists what it found), and a cause is printed with the error. Reading a hostile
 * thrown value (a proxy whose traps throw) only leaves things out.
 */
function redactedCause(error: unknown, where: string): Error {
  // A name as code gives it (`TypeError`, `ZodError`), or the type of a thrown non-error (`string`).
  let kind = 'Error';
  let issues = '';
  let frames: string[] = [];
  try {
    const name: unknown = error instanceof Error ? error.name : undefined;
    kind = typeof name === 'string' && NAMEABLE.test(name) ? name : error instanceof Error ? 'Error' : typeof error;
    const list: unknown = error instanceof Error ? (error as { issues?: unknown }).issues : undefined;
    if (Array.isArray(list)) {
      const described = list.slice(0, 5).map((issue: { path?: unknown; code?: unknown }) => {
        // Record keys chosen by data are shown as `*`, as describeStoredIssues does.
        const parts = Array.isArray(issue.path) ? issue.path.map((p: unknown) => (typeof p === 'number' ? `[${p}]` : `.${typeof p === 'string' && NAMEABLE.test(p) ? p : '*'}`)) : [];
        const code = typeof issue.code === 'string' && NAMEABLE.test(issue.code) ? issue.code : 'invalid';
        return `${parts.join('').replace(/^\./, '') || '(root)'} (${code})`;
      });
      if (described.length > 0) issues = `: ${described.join('; ')}`;
    }
    const stack: unknown = error instanceof Error ? error.stack : undefined;
    if (typeof stack === 'string') frames = stack.split('\n').filter((line) => FRAME.test(line)).slice(0, 20);
  } catch {
    // What could be read is kept; the rest is left out.
  }
  const cause = new Error(`${where} threw ${/^[AEIOU]/i.test(kind) ? 'an' : 'a'} ${kind}${issues}; its message is left out, as it may quote the stored snapshot`);
  cause.name = kind;
  cause.stack = [`${kind}: ${cause.message}`, ...frames].join('\n');
  return cause;
}

/**
 * Upgrades a stored snapshot to the definition's version through its migrations, then checks it.
 * Throws `CJ_ERR_MIGRATION` (no path) or `CJ_ERR_CORRUPT_SNAPSHOT` (fails the schema), never
 * resets a journey.
 */
export function migrateSnapshot(definition: AnyJourneyDefinition, journeyId: string, storedVersion: number, raw: unknown): PersistedSnapshot {
  let snapshot: unknown = raw;
  if (storedVersion > definition.version) {
    throw new CareJourneyError(
      'CJ_ERR_MIGRATION',
      `Journey "${journeyId}" was stored by version ${storedVersion} of "${definition.id}", newer than this engine's version ${definition.version}. Upgrade the software before loading it.`,
      { journeyId },
    );
  }
  for (let v = storedVersion; v < definition.version; v++) {
    const migrate = definition.migrations[v];
    if (!migrate) {
      throw new CareJourneyError(
        'CJ_ERR_MIGRATION',
        `Journey "${journeyId}" is stored at version ${storedVersion} of "${definition.id}" and there is no migration from version ${v} to ${v + 1}.`,
        { journeyId },
      );
    }
    const parsed = persistedSnapshotSchema.safeParse(snapshot);
    if (!parsed.success) throw corrupt(journeyId, `its stored version-${v} snapshot is malformed (${describeStoredIssues(parsed.error, 'snapshot')})`);
    try {
      snapshot = migrate(structuredClone(parsed.data));
    } catch (error) {
      // The migration's own message may quote the snapshot it was given: neither the message
      // nor the cause carries it (see redactedCause).
      const cause = redactedCause(error, `the migration from version ${v} to ${v + 1} of "${definition.id}"`);
      throw new CareJourneyError(
        'CJ_ERR_MIGRATION',
        `Journey "${journeyId}": the migration from version ${v} to ${v + 1} of "${definition.id}" failed (${cause.name}); see the cause.`,
        { journeyId },
        { cause },
      );
    }
  }
  const parsed = persistedSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw corrupt(journeyId, `its stored snapshot is malformed (${describeStoredIssues(parsed.error, 'snapshot')})`);
  if (definition.context) {
    const ctx = definition.context.safeParse(parsed.data.context);
    if (!ctx.success) throw corrupt(journeyId, `its stored snapshot's context fails the definition's schema (${describeStoredIssues(ctx.error, 'context')})`);
  }
  return parsed.data;
}

/** Rebuilds a machine snapshot from its persisted form (history states included). */
export function restoreSnapshot(definition: AnyJourneyDefinition, journeyId: string, persisted: PersistedSnapshot): AnyMachineSnapshot {
  const machine = definition.machine;
  try {
    const historyValue: Record<string, unknown[]> = {};
    for (const [key, nodes] of Object.entries(persisted.historyValue ?? {})) {
      historyValue[key] = nodes.map((n) => machine.getStateNodeById(n.id));
    }
    const snapshot = machine.resolveState({
      value: persisted.value,
      context: persisted.context,
      status: persisted.status,
      historyValue,
      ...('output' in persisted ? { output: persisted['output'] } : {}),
    } as never) as AnyMachineSnapshot;
    return snapshot;
  } catch {
    throw corrupt(journeyId, `its stored snapshot's state value is not a state of "${definition.id}" version ${definition.version}`);
  }
}
