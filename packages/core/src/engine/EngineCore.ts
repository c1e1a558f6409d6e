import type { AnyMachineSnapshot } from 'xstate';
import type { z } from 'zod';
import type { PluginHost } from '../plugin/PluginHost.js';
import type { JourneyStore } from '../store/JourneyStore.js';
import type { Clock } from '../time/Clock.js';
import type { InputLimits } from '../validation/checkJsonSafe.js';
import type { AnyJourneyDefinition } from './defineJourney.js';
import type { EngineBus } from './EngineBus.js';
import type { JourneyLocks } from './locks.js';
import type { PureTransition } from './pureTransition.js';

/** What every step of the pipeline shares: the engine's configuration and its runtime parts. */
export interface EngineCore {
  readonly definition: AnyJourneyDefinition;
  readonly store: JourneyStore;
  readonly clock: Clock;
  /** The validated protocol every new journey starts with. */
  readonly protocol: unknown;
  readonly limits: InputLimits;
  readonly maxRetries: number;
  readonly generateId: () => string;
  readonly bus: EngineBus;
  readonly locks: JourneyLocks;
  readonly pure: PureTransition;
  /** Strict payload schemas, built once: zod compiles each schema on first use. */
  readonly eventSchemas: ReadonlyMap<string, z.ZodObject>;
  readonly plugins: PluginHost;
  /** Follow-up events plugins queued; `send` and friends wait for them before returning. */
  readonly pendingSends: Set<Promise<unknown>>;
  /** The clock's time, epoch milliseconds. */
  now(): number;
  /** The journey's phase for a snapshot. */
  phase(snapshot: AnyMachineSnapshot): string;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Waits until follow-up events queued by plugins have been applied. */
export async function settle(core: EngineCore): Promise<void> {
  while (core.pendingSends.size > 0) await Promise.allSettled([...core.pendingSends]);
}
