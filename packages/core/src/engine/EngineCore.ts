import type { AnyMachineSnapshot } from 'xstate';
import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { once } from '../lazyInstance.js';
import { nodeCrypto } from '../nodeCrypto.js';
import { PluginHost } from '../plugin/PluginHost.js';
import type { PluginApi } from '../plugin/definePlugin.js';
import type { JourneyStore } from '../store/JourneyStore.js';
import type { Clock } from '../time/Clock.js';
import { SystemClock } from '../time/SystemClock.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../validation/checkJsonSafe.js';
import { identifierSchema } from '../validation/identifierSchema.js';
import { parseArgument, unreadable } from '../validation/parseArgument.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';
import type { AnyJourneyDefinition } from './defineJourney.js';
import { EngineBus } from './EngineBus.js';
import type { EngineOptions } from './EngineOptions.js';
import { LoadedSnapshots } from './load.js';
import { JourneyLocks } from './locks.js';
import { ProtocolRefs } from './ProtocolRefs.js';
import { pureTransition, type PureTransition } from './pureTransition.js';
import { freezeNew } from '../store/freezeNew.js';
import { persistSnapshot } from './snapshotCodec.js';
import type { PersistedSnapshot } from '../store/records.js';

/** What every step of the pipeline shares: the engine's configuration and its runtime parts. */
export interface EngineCore {
  readonly definition: AnyJourneyDefinition;
  readonly store: JourneyStore;
  readonly clock: Clock;
  /** The validated protocol every new journey starts with. */
  readonly protocol: unknown;
  readonly limits: InputLimits;
  readonly maxRetries: number;
  readonly bus: EngineBus;
  readonly locks: JourneyLocks;
  readonly pure: PureTransition;
  /** Snapshots this engine restored or produced, reused while the store holds them unchanged. */
  readonly snapshots: LoadedSnapshots;
  /** Protocols by reference: what stored snapshots hold in place of `context.protocol`. */
  readonly protocols: ProtocolRefs;
  /**
   * A snapshot as stores keep it (its protocol by ref), computed once per snapshot; `ref` and
   * `protocol` name the protocol it refers to.
   */
  stored(snapshot: AnyMachineSnapshot): StoredSnapshot;
  /** Strict payload schemas, built once: zod compiles each schema on first use. */
  readonly eventSchemas: ReadonlyMap<string, z.ZodObject>;
  readonly plugins: PluginHost;
  /** Follow-up events plugins queued; `send` and friends wait for them before returning. */
  readonly pendingSends: Set<Promise<unknown>>;
  /** The clock's time, epoch milliseconds; throws `CJ_ERR_INVALID_CONFIG` for a broken clock. */
  now(): number;
  /** A new journey id from `generateId`, checked like any id. */
  newId(): string;
  /** The journey's phase for a snapshot. */
  phase(snapshot: AnyMachineSnapshot): string;
  /** Every state of the machine as a dotted path from the root (`care.clinical.treatment.onHold`). */
  readonly statePaths: ReadonlySet<string>;
  /** The definition's timer events: the event types a machine timer may carry besides XState's `after` delays. */
  readonly timerEvents: ReadonlySet<string>;
}

/** A snapshot's stored form and the protocol it refers to. */
export interface StoredSnapshot {
  readonly snapshot: PersistedSnapshot;
  readonly ref?: string;
  readonly protocol?: Record<string, unknown>;
}

interface StateNodeLike {
  readonly path: readonly string[];
  readonly states: Readonly<Record<string, StateNodeLike>>;
}

/** Every state node below the root, as its dotted path. */
function statePathsOf(root: StateNodeLike): Set<string> {
  const paths = new Set<string>();
  const walk = (node: StateNodeLike): void => {
    for (const child of Object.values(node.states)) {
      paths.add(child.path.join('.'));
      walk(child);
    }
  };
  walk(root);
  return paths;
}

/** The latest instant a JavaScript Date holds: beyond it no time can be written as ISO 8601. */
const MAX_INSTANT = 8.64e15;

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Waits until follow-up events queued by plugins have been applied. */
export async function settle(core: EngineCore): Promise<void> {
  while (core.pendingSends.size > 0) await Promise.allSettled([...core.pendingSends]);
}

const STORE_METHODS = ['load', 'commit', 'findIdempotencyKey', 'readJournal', 'listTimers', 'dueTimers', 'pendingOutbox', 'markDelivered', 'query', 'loadProtocol'] as const;

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';
const hasMethods = (value: unknown, methods: readonly string[]): boolean =>
  value !== null && typeof value === 'object' && methods.every((m) => isFunction((value as Record<string, unknown>)[m]));

/** Built on first use, not at import. */
const engineOptionsSchema = once(() =>
  z.strictObject({
    definition: z.custom<AnyJourneyDefinition>(
      (v) => v !== null && typeof v === 'object' && (v as { kind?: unknown }).kind === 'carejourney.definition' && typeof (v as { machine?: unknown }).machine === 'object',
      { message: 'must be a journey definition made with defineJourney()' },
    ),
    store: z.custom<JourneyStore>((v) => hasMethods(v, STORE_METHODS), { message: `must implement JourneyStore (${STORE_METHODS.join(', ')}), e.g. new MemoryStore()` }),
    clock: z.custom<Clock>((v) => hasMethods(v, ['now']), { message: 'must be a Clock: an object with now() returning epoch milliseconds' }).optional(),
    plugins: z.array(z.unknown()).max(1000).optional(),
    protocol: z.unknown().optional(),
    limits: z
      .strictObject({
        maxStringLength: z.int().min(1).max(10_000_000).optional(),
        maxDepth: z.int().min(1).max(256).optional(),
        maxEntries: z.int().min(1).max(1_000_000).optional(),
      })
      .optional(),
    maxRetries: z.int().min(0).max(100).optional(),
    generateId: z.custom<() => string>(isFunction, { message: 'must be a function returning a new id' }).optional(),
  }),
);

/** Reads a clock, refusing anything but a finite epoch-millisecond time a Date can hold. */
function readClock(clock: Clock): number {
  let time: unknown;
  try {
    time = clock.now();
  } catch (error) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'The engine\'s clock threw when asked for the time.', {}, { cause: error });
  }
  if (typeof time !== 'number' || !Number.isFinite(time) || Math.abs(time) > MAX_INSTANT) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'The engine\'s clock returned a time that is not a finite number of epoch milliseconds within the range of a Date.');
  }
  return time;
}

const GENERATED_ID_RULE = '1-200 characters of well-formed Unicode, no control characters';

/**
 * A new journey id from `generateId`. Whatever it returns or throws (a proxy whose traps throw,
 * a revoked proxy, a value whose inspection throws), the outcome is a valid id or
 * `CJ_ERR_INVALID_CONFIG` naming `generateId`; the value itself is never quoted.
 */
function newId(generateId: () => unknown): string {
  const refuse = (message: string, rule: string, cause?: unknown): CareJourneyError =>
    new CareJourneyError('CJ_ERR_INVALID_CONFIG', `The engine's generateId ${message}.`, { issues: [{ path: 'options.generateId', rule, message }] }, cause === undefined ? undefined : { cause });
  let id: unknown;
  try {
    id = generateId();
  } catch (error) {
    throw refuse('threw when asked for a new id', 'threw', error);
  }
  let valid: boolean;
  try {
    // Inside the try: checking a hostile value (a revoked proxy) can itself throw.
    valid = identifierSchema.safeParse(id).success;
  } catch {
    valid = false;
  }
  if (!valid) throw refuse(`returned something that is not a valid id (${GENERATED_ID_RULE})`, 'invalid_id');
  return id as string;
}

/**
 * Validates `createEngine`'s options and builds the parts every step shares. Throws
 * `CJ_ERR_INVALID_CONFIG` naming each bad option, or `CJ_ERR_PLUGIN` for a bad plugin.
 */
export function createEngineCore(options: EngineOptions<AnyJourneyDefinition>, makeApi: (core: EngineCore, name: string, hooks: PluginApi['hooks']) => PluginApi): EngineCore {
  const parsed = parseArgument(engineOptionsSchema(), options, 'CJ_ERR_INVALID_CONFIG', 'The options of createEngine', 'options');
  const { definition, store } = parsed;
  const clock: Clock = parsed.clock ?? new SystemClock();
  readClock(clock);
  let protocol: unknown = null;
  if (definition.protocol) {
    let result: ReturnType<z.ZodType['safeParse']>;
    try {
      result = definition.protocol.safeParse(parsed.protocol ?? {});
    } catch {
      const issues = [unreadable('protocol')];
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `The protocol for "${definition.id}" is invalid: ${describeIssues(issues)}`, { issues });
    }
    if (!result.success) {
      const issues = zodIssues(result.error, 'protocol');
      throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `The protocol for "${definition.id}" is invalid: ${describeIssues(issues)}`, { issues });
    }
    protocol = result.data;
  } else if (parsed.protocol !== undefined) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `Journey "${definition.id}" takes no protocol configuration.`);
  }
  const generateId = parsed.generateId ?? (() => nodeCrypto().randomUUID());
  const protocols = new ProtocolRefs(definition.id);
  // Frozen: every journey this engine starts refers to it by its hash.
  if (protocol !== null && typeof protocol === 'object') protocols.adopt(protocol as Record<string, unknown>);
  const storedForms = new WeakMap<AnyMachineSnapshot, StoredSnapshot>();
  const stored = (snapshot: AnyMachineSnapshot): StoredSnapshot => {
    let form = storedForms.get(snapshot);
    if (!form) {
      const persisted = persistSnapshot(definition.machine, snapshot);
      form = definition.protocol ? protocols.toStored(persisted) : { snapshot: persisted };
      storedForms.set(snapshot, form);
    }
    return form;
  };
  const snapshots = new LoadedSnapshots((snapshot) => stored(snapshot).snapshot);
  const pure = pureTransition(definition.machine);
  const core: EngineCore = {
    definition,
    store,
    clock,
    protocol,
    limits: { ...DEFAULT_INPUT_LIMITS, ...Object.fromEntries(Object.entries(parsed.limits ?? {}).filter(([, v]) => v !== undefined)) },
    maxRetries: parsed.maxRetries ?? 5,
    bus: new EngineBus(),
    locks: new JourneyLocks(),
    pure: {
      initial: pure.initial,
      // Every transition is reported to the cache, so the snapshot this engine commits is known
      // when the next event of the journey loads it back.
      next: (snapshot, event) => {
        const result = pure.next(snapshot, event);
        // What the transition made new is frozen (the rest was already): no caller can change
        // a snapshot this engine keeps and reuses.
        freezeNew(result[0].context);
        snapshots.produced(snapshot, result[0]);
        return result;
      },
    },
    snapshots,
    protocols,
    stored,
    eventSchemas: new Map(Object.entries(definition.events).map(([type, schema]) => [type, (schema as z.ZodObject).strict()])),
    pendingSends: new Set<Promise<unknown>>(),
    now: () => readClock(clock),
    newId: () => newId(generateId),
    phase: (snapshot: AnyMachineSnapshot): string => {
      if (!definition.phase) {
        const value = snapshot.value;
        return typeof value === 'string' ? value : (Object.keys(value)[0] ?? '');
      }
      const phase: unknown = definition.phase(snapshot as never);
      if (typeof phase !== 'string' || (definition.phases !== undefined && !(definition.phases as readonly unknown[]).includes(phase))) {
        throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', `Journey definition "${definition.id}": its phase function returned a phase that is not one of its phases.`);
      }
      return phase;
    },
    statePaths: statePathsOf(definition.machine.root as unknown as StateNodeLike),
    timerEvents: new Set<string>(definition.timerEvents),
    // Set just below: plugins get their API (which needs this core) while they register.
    plugins: undefined as unknown as PluginHost,
  };
  (core as { plugins: PluginHost }).plugins = new PluginHost(parsed.plugins ?? [], (name, hooks) => makeApi(core, name, hooks));
  return core;
}
