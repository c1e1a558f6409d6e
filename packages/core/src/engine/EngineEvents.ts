import type { CareJourneyErrorCode } from '../errors.js';
import type { HookName } from '../plugin/hooks.js';
import type { JournalEntry } from '../store/records.js';

/** Delivered after every applied event (from the outbox: at least once, with a stable id). */
export interface TransitionNotice {
  readonly journeyId: string;
  readonly entry: JournalEntry;
  readonly deliveryId: string;
}

/** An effect the journey emitted (e.g. `safety.alert`), from the outbox. */
export interface EffectNotice {
  readonly journeyId: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly deliveryId: string;
}

export interface PluginErrorNotice {
  readonly plugin: string;
  readonly hook: HookName | 'listener';
  readonly journeyId?: string;
  /** The error's message only; payloads are never included. */
  readonly message: string;
  readonly error: unknown;
}

export interface RefusedNotice {
  readonly journeyId: string;
  readonly eventType: string;
  readonly code: string;
  readonly message: string;
}

export interface TimerFiredNotice {
  readonly journeyId: string;
  readonly key: string;
  readonly owner: string;
  readonly dueAt: string;
}

/**
 * Outbox items that were not delivered: after a commit the store failed to mark them (e.g. a
 * busy write lock), or `recover` found an item it cannot read. The commit stands; the items stay
 * pending and `recover()` delivers them (a damaged one once it is repaired).
 */
export interface DeliveryFailedNotice {
  readonly journeyId?: string;
  readonly deliveryIds: readonly string[];
  readonly code: CareJourneyErrorCode;
  readonly message: string;
  readonly error: unknown;
}

/** The engine's bus. Effect types a journey emits are delivered under their own name as well. */
export interface EngineEvents {
  transition: (notice: TransitionNotice) => void;
  'journey.started': (notice: TransitionNotice) => void;
  'journey.ended': (notice: EffectNotice) => void;
  effect: (notice: EffectNotice) => void;
  'plugin.error': (notice: PluginErrorNotice) => void;
  refused: (notice: RefusedNotice) => void;
  'timer.fired': (notice: TimerFiredNotice) => void;
  'delivery.failed': (notice: DeliveryFailedNotice) => void;
}

/** Listener type for a bus event name: a built-in one, or an effect type. */
export type EngineListener<K extends string> = K extends keyof EngineEvents ? EngineEvents[K] : (notice: EffectNotice) => void;
