import type { CareJourneyErrorCode } from '../errors.js';
import type { HookName } from '../plugin/hooks.js';
import type { JournalEntry } from '../store/records.js';
import type { AnyJourneyDefinition } from './defineJourney.js';
import type { AnyJourneyEvent, JourneyEffectFrom, JourneyEntryFrom, JourneyPhaseFrom } from './JourneyTypesFrom.js';

/** Delivered after every applied event (from the outbox: at least once, with a stable id). */
export interface TransitionNotice<TEntry = JournalEntry> {
  readonly journeyId: string;
  readonly entry: TEntry;
  /** Stable across redeliveries: de-duplicate on it. */
  readonly deliveryId: string;
}

/**
 * An effect the journey emitted (e.g. `safety.alert`), from the outbox: `type` and the effect's
 * other fields as `payload`. Typed per effect from the definition's machine (`emitted`).
 */
export type EffectNotice<TEffect extends { readonly type: string } = AnyJourneyEvent> = TEffect extends unknown
  ? {
      readonly journeyId: string;
      readonly type: TEffect['type'];
      readonly payload: Readonly<Omit<TEffect, 'type'>>;
      /** Stable across redeliveries: de-duplicate on it. */
      readonly deliveryId: string;
    }
  : never;

/** The effect the engine adds when a journey reaches a final state. */
export interface JourneyEndedEffect<TPhase extends string = string> {
  readonly type: 'journey.ended';
  /** The final state, as a dotted path. */
  readonly state: string;
  readonly phase: TPhase;
  readonly at: string;
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
  readonly code: CareJourneyErrorCode;
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

/**
 * The engine's bus for a definition: the built-in notices, and every effect the journey emits
 * under its own type (`engine.on('safety.alert', ...)`), typed from the definition.
 */
export type EngineEvents<TDef = AnyJourneyDefinition> = {
  transition: (notice: TransitionNotice<JourneyEntryFrom<TDef>>) => void;
  'journey.started': (notice: TransitionNotice<JourneyEntryFrom<TDef>>) => void;
  'journey.ended': (notice: EffectNotice<JourneyEndedEffect<JourneyPhaseFrom<TDef>>>) => void;
  effect: (notice: EffectNotice<JourneyEffectFrom<TDef> | JourneyEndedEffect<JourneyPhaseFrom<TDef>>>) => void;
  'plugin.error': (notice: PluginErrorNotice) => void;
  refused: (notice: RefusedNotice) => void;
  'timer.fired': (notice: TimerFiredNotice) => void;
  'delivery.failed': (notice: DeliveryFailedNotice) => void;
} & {
  [K in JourneyEffectFrom<TDef>['type']]: (notice: EffectNotice<Extract<JourneyEffectFrom<TDef>, { type: K }>>) => void;
};

/** A name the bus of a definition's engine takes: a built-in notice or one of its effect types. */
export type EngineEventName<TDef = AnyJourneyDefinition> = keyof EngineEvents<TDef> & string;

/** Listener type for a bus event name of a definition. */
export type EngineListener<K extends string, TDef = AnyJourneyDefinition> = K extends keyof EngineEvents<TDef> ? EngineEvents<TDef>[K] : (notice: EffectNotice) => void;
