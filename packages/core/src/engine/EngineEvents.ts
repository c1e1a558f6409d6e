import type { CareJourneyErrorCode } from '../errors.js';
import type { HookName } from '../plugin/hooks.js';
import type { JournalEntry } from '../store/records.js';
import type { AnyJourneyDefinition } from './defineJourney.js';
import type { AnyJourneyEvent, JourneyEffectFrom, JourneyEntryFrom, JourneyPhaseFrom } from './JourneyTypesFrom.js';

/**
 * Delivered after every applied event (from the outbox: at least once, with a stable id).
 *
 * @example
 * ```ts
 * engine.on('transition', ({ entry, deliveryId }) => audit.write(deliveryId, `${entry.at} ${entry.type} ${entry.from} -> ${entry.to}`));
 * ```
 */
export interface TransitionNotice<TEntry = JournalEntry> {
  readonly journeyId: string;
  readonly entry: TEntry;
  /** Stable across redeliveries: de-duplicate on it. */
  readonly deliveryId: string;
}

/**
 * An effect the journey emitted (e.g. `safety.alert`), from the outbox: `type` and the effect's
 * other fields as `payload`. Typed per effect from the definition's machine (`emitted`).
 *
 * @example
 * ```ts
 * engine.on('safety.alert', (notice: EffectNotice<SafetyAlertEffect>) => page(notice.payload.reason));
 * ```
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

/**
 * The effect the engine adds when a journey reaches a final state: delivered to
 * `engine.on('journey.ended', ...)` and plugins' `onEffect` hooks like the journey's own effects.
 *
 * @example
 * ```ts
 * engine.on('journey.ended', ({ journeyId, payload }: EffectNotice<JourneyEndedEffect>) => {
 *   console.log(`${journeyId} ended in ${payload.state} (${payload.phase}) at ${payload.at}`);
 * });
 * ```
 */
export interface JourneyEndedEffect<TPhase extends string = string> {
  readonly type: 'journey.ended';
  /** The final state, as a dotted path. */
  readonly state: string;
  readonly phase: TPhase;
  readonly at: string;
}

/**
 * A plugin hook or a bus listener failed; the journey went on.
 *
 * @example
 * ```ts
 * engine.on('plugin.error', ({ plugin, hook, message }) => log.error(`${plugin}.${hook}: ${message}`));
 * ```
 */
export interface PluginErrorNotice {
  readonly plugin: string;
  readonly hook: HookName | 'listener';
  readonly journeyId?: string;
  /** The error's message only; payloads are never included. */
  readonly message: string;
  readonly error: unknown;
}

/**
 * `send` refused an event: the same code and message as the result's error.
 *
 * @example
 * ```ts
 * engine.on('refused', ({ eventType, code }) => metrics.count('refused', { eventType, code }));
 * ```
 */
export interface RefusedNotice {
  readonly journeyId: string;
  readonly eventType: string;
  readonly code: CareJourneyErrorCode;
  readonly message: string;
}

/**
 * `runDue` fired a timer.
 *
 * @example
 * ```ts
 * engine.on('timer.fired', ({ journeyId, key }) => log.info(`timer ${key} of ${journeyId} fired`));
 * ```
 */
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
 *
 * @example
 * ```ts
 * engine.on('delivery.failed', ({ code, deliveryIds }) => { log.warn(code, deliveryIds); setTimeout(() => engine.recover(), 5_000); });
 * ```
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
 *
 * @example
 * ```ts
 * type Bus = EngineEvents<typeof ketamineAnxietyJourney>; const onAlert: Bus['safety.alert'] = (n) => page(n.payload.reason);
 * ```
 */
export type EngineEvents<TDef = AnyJourneyDefinition> = {
  /** Every applied event (and start, and skipped timer), with its journal entry. */
  transition: (notice: TransitionNotice<JourneyEntryFrom<TDef>>) => void;
  /** A journey was started. */
  'journey.started': (notice: TransitionNotice<JourneyEntryFrom<TDef>>) => void;
  /** A journey reached a final state. */
  'journey.ended': (notice: EffectNotice<JourneyEndedEffect<JourneyPhaseFrom<TDef>>>) => void;
  /** Every effect the journey emitted, whatever its type. */
  effect: (notice: EffectNotice<JourneyEffectFrom<TDef> | JourneyEndedEffect<JourneyPhaseFrom<TDef>>>) => void;
  /** A plugin hook or a bus listener failed; the journey went on. */
  'plugin.error': (notice: PluginErrorNotice) => void;
  /** `send` refused an event (the same error it returned). */
  refused: (notice: RefusedNotice) => void;
  /** `runDue` fired a timer (or journaled it as skipped). */
  'timer.fired': (notice: TimerFiredNotice) => void;
  /** Outbox items were not delivered after their commit; `recover` delivers them. */
  'delivery.failed': (notice: DeliveryFailedNotice) => void;
} & {
  [K in JourneyEffectFrom<TDef>['type']]: (notice: EffectNotice<Extract<JourneyEffectFrom<TDef>, { type: K }>>) => void;
};

/** A name the bus of a definition's engine takes: a built-in notice or one of its effect types. */
export type EngineEventName<TDef = AnyJourneyDefinition> = keyof EngineEvents<TDef> & string;

/**
 * Listener type for a bus event name of a definition.
 *
 * @example
 * ```ts
 * const onEnded: EngineListener<'journey.ended'> = ({ journeyId, payload }) => archive(journeyId, payload.phase);
 * ```
 */
export type EngineListener<K extends string, TDef = AnyJourneyDefinition> = K extends keyof EngineEvents<TDef> ? EngineEvents<TDef>[K] : (notice: EffectNotice) => void;
