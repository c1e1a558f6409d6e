import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { freezeNew, isFrozenJson } from '../store/freezeNew.js';
import type { PersistedSnapshot } from '../store/records.js';
import { guardsFrom, type GuardRule } from './guardRule.js';

/**
 * Payload schemas keyed by event type. Each must be a zod object; `type`, `at` and `actor` are
 * the engine's keys and may not be declared.
 *
 * @example
 * ```ts
 * const events = {
 *   'visit.booked': z.strictObject({ slot: z.iso.datetime() }),
 *   'visit.cancelled': z.strictObject({ reason: z.string().max(200) }),
 * } satisfies EventSchemas;
 * ```
 */
export type EventSchemas = Record<string, z.ZodObject>;

/**
 * Upgrades a persisted snapshot of version N to version N + 1. Must be pure: the engine runs it on
 * every load of an older journey, and the journal is replayed through it.
 *
 * @example
 * ```ts
 * // Version 2 added `context.notesRef`; journeys stored at version 1 get it empty.
 * const addNotesRef: SnapshotMigration = (snapshot) => ({
 *   ...snapshot,
 *   context: { ...snapshot.context, notesRef: null },
 * });
 * defineJourney({ ...config, version: 2, migrations: { 1: addNotesRef } });
 * ```
 */
export type SnapshotMigration = (snapshot: PersistedSnapshot) => PersistedSnapshot;

/**
 * Which roles may start a journey and send each event type. Every event type needs an entry, so
 * a new event is never open to everyone by omission. A refused actor changes nothing.
 *
 * @example
 * ```ts
 * const events = { 'visit.booked': z.strictObject({ slot: z.iso.datetime() }) };
 * const policy: JourneyPolicy<typeof events, 'nurse' | 'physician'> = {
 *   start: ['nurse'],
 *   events: { 'visit.booked': ['nurse', 'physician'] },
 * };
 * ```
 */
export interface JourneyPolicy<TEvents extends EventSchemas, TRole extends string> {
  readonly start: readonly TRole[];
  readonly events: { readonly [K in keyof TEvents]: readonly TRole[] };
}

/**
 * What the machine gets as `input` when a journey starts: the validated start input as `data`,
 * the clinic's protocol, and who started it when.
 *
 * @example
 * ```ts
 * const machine = setup({
 *   types: { input: {} as JourneyStartInput<{ referredBy: string }>, context: {} as { referredBy: string; since: number } },
 * }).createMachine({
 *   context: ({ input }) => ({ referredBy: input.data.referredBy, since: input.startedAt }),
 * });
 * ```
 */
export interface JourneyStartInput<TInput = unknown, TProtocol = unknown> {
  readonly patientRef: string;
  /** Epoch milliseconds of the start. */
  readonly startedAt: number;
  readonly actor: { readonly id: string; readonly role: string };
  readonly data: TInput;
  readonly protocol: TProtocol;
}

/**
 * What {@link defineJourney} takes: the statechart, the zod schemas of its events, start input and
 * protocol, the roles and who may send what, the clinical rules, and migrations of older
 * snapshots.
 *
 * @example
 * ```ts
 * const config: JourneyDefinitionConfig<typeof machine, typeof events, typeof input, z.ZodUndefined, 'nurse'> = {
 *   id: 'demo', version: 1, machine, events, input,
 *   roles: ['nurse'],
 *   policy: { start: ['nurse'], events: { 'visit.booked': ['nurse'] } },
 * };
 * const definition = defineJourney(config);
 * ```
 */
export interface JourneyDefinitionConfig<
  TMachine extends AnyStateMachine,
  TEvents extends EventSchemas,
  TInput extends z.ZodType,
  TProtocol extends z.ZodType,
  TRole extends string,
  TPhase extends string = string,
  TTimerEvent extends string = string,
> {
  /** Stable identifier, e.g. `ketamine-anxiety`. Stored with every journey. */
  readonly id: string;
  /** Positive integer; raise it when the machine or context changes shape, with a migration. */
  readonly version: number;
  /** The statechart. Its `input` is a {@link JourneyStartInput}. No invoked or spawned actors. */
  readonly machine: TMachine;
  /** Payload schema per event type the host may send. Keys `type`, `at` and `actor` are reserved. */
  readonly events: TEvents;
  /**
   * Event types the machine raises itself with a delay (`raise(..., { delay, id })`), which hosts
   * may not send. Every event type the machine handles must be in `events` or here, so a typo in
   * the machine fails when the definition is created.
   */
  readonly timerEvents?: readonly TTimerEvent[];
  /** Schema of the start input. */
  readonly input: TInput;
  /** Schema of the protocol configuration, with defaults; a clinic overrides it in `createEngine`. */
  readonly protocol?: TProtocol;
  /** Every role of the policy. `system` is always added (the engine fires timers as `system`). */
  readonly roles: readonly TRole[];
  readonly policy: JourneyPolicy<TEvents, TRole>;
  /** Named clinical rules, used as the machine's guards and to explain blocked events. */
  readonly guards?: Record<string, GuardRule>;
  /** `migrations[n]` upgrades a version-n snapshot to version n + 1. */
  readonly migrations?: Readonly<Record<number, SnapshotMigration>>;
  /** Schema of the machine's context, checked whenever a snapshot is read back from a store. */
  readonly context?: z.ZodType;
  /**
   * Every phase `phase` can return, e.g. `['referral', 'intake', 'treatment'] as const`. With
   * it, `view.phase` and `engine.query({ phase })` are typed as these names, and a query for
   * any other phase is refused instead of finding nothing.
   */
  readonly phases?: readonly TPhase[];
  /** The journey's phase for a snapshot (defaults to the top-level state). Must be one of `phases` when they are given. */
  readonly phase?: (snapshot: SnapshotFrom<TMachine>) => TPhase;
  /** One line per event type for the event catalogue. */
  readonly describe?: { readonly [K in keyof TEvents]?: string };
}

/**
 * A validated, frozen journey definition. Create with {@link defineJourney}. Its `roles` include
 * `system`, and its machine runs the definition's guard rules.
 *
 * @example
 * ```ts
 * const definition: JourneyDefinition = ketamineAnxietyJourney;
 * definition.id; // 'ketamine-anxiety'
 * Object.keys(definition.events); // the event types a host may send
 * ```
 */
export interface JourneyDefinition<
  TMachine extends AnyStateMachine = AnyStateMachine,
  TEvents extends EventSchemas = EventSchemas,
  TInput extends z.ZodType = z.ZodType,
  TProtocol extends z.ZodType = z.ZodType,
  TRole extends string = string,
  TPhase extends string = string,
  TTimerEvent extends string = string,
> extends Omit<JourneyDefinitionConfig<TMachine, TEvents, TInput, TProtocol, TRole, TPhase, TTimerEvent>, 'roles' | 'timerEvents'> {
  readonly kind: 'carejourney.definition';
  readonly roles: readonly (TRole | 'system')[];
  readonly guards: Record<string, GuardRule>;
  readonly migrations: Readonly<Record<number, SnapshotMigration>>;
  readonly timerEvents: readonly TTimerEvent[];
}

/**
 * A journey definition of any machine, events, input, protocol, roles and phases: what code that
 * works with every journey takes.
 *
 * @example
 * ```ts
 * function describe(definition: AnyJourneyDefinition): string { return `${definition.id} v${definition.version}`; }
 * ```
 */
export type AnyJourneyDefinition = JourneyDefinition<AnyStateMachine, EventSchemas, z.ZodType, z.ZodType, string, string, string>;


const RESERVED_KEYS = ['type', 'at', 'actor'] as const;

function invalid(id: string, message: string): CareJourneyError {
  return new CareJourneyError('CJ_ERR_INVALID_CONFIG', `Journey definition "${id}": ${message}`);
}

/**
 * Declares a journey: its statechart, the events and start input it accepts (zod), who may send
 * what, the clinical rules, and how older stored snapshots migrate. Checked now, so a broken
 * definition fails at import, not in front of a patient.
 *
 * @example
 * ```ts
 * const definition = defineJourney({
 *   id: 'demo', version: 1, machine,
 *   events: { 'visit.booked': z.strictObject({ slot: z.iso.datetime() }) },
 *   input: z.strictObject({}),
 *   roles: ['nurse'],
 *   policy: { start: ['nurse'], events: { 'visit.booked': ['nurse'] } },
 * });
 * ```
 */
export function defineJourney<
  TMachine extends AnyStateMachine,
  TEvents extends EventSchemas,
  TInput extends z.ZodType,
  TRole extends string,
  TProtocol extends z.ZodType = z.ZodUndefined,
  const TPhase extends string = string,
  const TTimerEvent extends string = never,
>(
  config: JourneyDefinitionConfig<TMachine, TEvents, TInput, TProtocol, TRole, TPhase, TTimerEvent>,
): JourneyDefinition<TMachine, TEvents, TInput, TProtocol, TRole, TPhase, TTimerEvent> {
  const id = config.id;
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(id)) {
    throw invalid(String(id), 'id must be a non-empty identifier of letters, digits, dots, dashes or underscores');
  }
  if (!Number.isInteger(config.version) || config.version < 1) {
    throw invalid(id, `version must be a positive integer, got ${String(config.version)}`);
  }
  const roles = Object.freeze([...new Set([...config.roles, 'system' as const])]);
  // Checked and kept as a frozen copy: what is checked here is what the engine enforces, whatever
  // later happens to the object the caller passed (or to the shipped one, frozen already).
  let policy: typeof config.policy;
  try {
    policy = isFrozenJson(config.policy) ? config.policy : freezeNew(structuredClone(config.policy));
  } catch {
    throw invalid(id, 'policy must be plain data: { start, events } listing role names');
  }
  // The event schemas checked here are the ones the engine validates with: a frozen map is kept
  // as it is, any other as a frozen copy. Reading its keys first builds a map built on first use
  // (the shipped one), which is frozen once built.
  Object.keys(config.events);
  const events: typeof config.events = Object.isFrozen(config.events) ? config.events : Object.freeze({ ...config.events });
  for (const [type, schema] of Object.entries(events)) {
    if (!(schema instanceof z.ZodObject)) throw invalid(id, `events["${type}"] must be a zod object schema`);
    if (type.startsWith('xstate.')) throw invalid(id, `event type "${type}" is reserved by XState`);
    for (const key of RESERVED_KEYS) {
      if (key in schema.shape) throw invalid(id, `events["${type}"] declares "${key}", a key the engine reserves`);
    }
    const allowed = (policy.events as Record<string, readonly string[] | undefined>)[type];
    if (!allowed) throw invalid(id, `policy.events has no entry for "${type}": say which roles may send it`);
  }
  for (const [type, allowed] of Object.entries(policy.events as Record<string, readonly string[]>)) {
    if (!(type in events)) throw invalid(id, `policy.events names "${type}", which is not an event of the journey`);
    for (const role of allowed) if (!roles.includes(role as TRole)) throw invalid(id, `policy.events["${type}"] names unknown role "${role}"`);
  }
  for (const role of policy.start) if (!roles.includes(role)) throw invalid(id, `policy.start names unknown role "${role}"`);
  const migrations = config.migrations ?? {};
  for (const from of Object.keys(migrations).map(Number)) {
    if (!Number.isInteger(from) || from < 1 || from >= config.version) {
      throw invalid(id, `migrations[${from}] must upgrade a version below ${config.version}`);
    }
  }
  const timerEvents: TTimerEvent[] = [...(config.timerEvents ?? [])];
  for (const type of timerEvents) {
    if (type in events) throw invalid(id, `"${type}" is both a host event and a timer event: a host must not be able to send a timer's event`);
  }
  for (const type of handledEventTypes(config.machine)) {
    if (type.startsWith('xstate.') || type === '*' || type in events || (timerEvents as readonly string[]).includes(type)) continue;
    throw invalid(id, `the machine handles "${type}", which is neither in events nor in timerEvents (a misspelt event type never arrives)`);
  }
  if (config.phases !== undefined) {
    const phases: readonly unknown[] = config.phases;
    if (phases.length === 0 || phases.some((p) => typeof p !== 'string' || p.length === 0) || new Set(phases).size !== phases.length) {
      throw invalid(id, 'phases must list distinct, non-empty phase names');
    }
  }
  // Each rule read once into a frozen copy (a frozen one is kept as it is): the machine and the
  // engine's explanations use these, whatever later happens to the objects the caller passed.
  const guards = Object.freeze(
    Object.fromEntries(
      Object.entries(config.guards ?? {}).map(([name, rule]) => [name, Object.isFrozen(rule) ? rule : Object.freeze({ description: rule.description, scope: rule.scope, check: rule.check })]),
    ),
  ) as NonNullable<typeof config.guards>;
  // Guards from rules record why they refused; provide them so the engine can explain refusals.
  const machine = (Object.keys(guards).length > 0
    ? config.machine.provide({ guards: guardsFrom(guards) } as never)
    : config.machine) as TMachine;
  return Object.freeze({
    ...config,
    kind: 'carejourney.definition' as const,
    machine,
    events,
    roles,
    policy,
    // Frozen copies, so the definition cannot change once checked.
    guards,
    migrations: Object.freeze({ ...migrations }),
    timerEvents: Object.freeze(timerEvents),
    ...(config.phases === undefined ? {} : { phases: Object.freeze([...config.phases]) }),
  });
}

interface StateNodeLike {
  readonly transitions: ReadonlyMap<string, unknown>;
  readonly states: Readonly<Record<string, StateNodeLike>>;
}

/** Every event type some state of the machine has a transition for. */
function handledEventTypes(machine: AnyStateMachine): Set<string> {
  const types = new Set<string>();
  const walk = (node: StateNodeLike): void => {
    for (const type of node.transitions.keys()) types.add(type);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as StateNodeLike);
  return types;
}
