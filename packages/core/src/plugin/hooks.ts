import type { AnyJourneyDefinition } from '../engine/defineJourney.js';
import type { EffectNotice, JourneyEndedEffect } from '../engine/EngineEvents.js';
import type { JourneyEffectFrom, JourneyEntryFrom, JourneyEventFrom, JourneyPhaseFrom, JourneyRoleFrom, JourneyViewFrom } from '../engine/JourneyTypesFrom.js';
import type { Actor } from '../store/records.js';

/**
 * What a veto hook sees before an event is applied. Typed from the plugin's definition.
 *
 * @example
 * ```ts
 * api.hooks.beforeEvent(({ event, view }) => (event.type === 'dose.recorded' && view.phase === 'on-hold' ? { refuse: 'on hold' } : undefined));
 * ```
 */
export interface BeforeEventContext<TDef = AnyJourneyDefinition> {
  readonly journeyId: string;
  /** The validated event: `{ type, ...payload }`. */
  readonly event: Readonly<JourneyEventFrom<TDef>>;
  readonly actor: Actor<JourneyRoleFrom<TDef>>;
  /** The journey as it is now. */
  readonly view: JourneyViewFrom<TDef>;
  /** Epoch milliseconds the event will be stamped with. */
  readonly at: number;
}

/**
 * A veto hook's answer: nothing to let the event through, `{ refuse }` to stop it with a reason,
 * or `{ enrich }` to add payload fields (validated again against the event's schema).
 *
 * @example
 * ```ts
 * const verdict: BeforeEventResult = recalled ? { refuse: 'this lot is under recall' } : undefined;
 * ```
 */
export type BeforeEventResult = void | undefined | { readonly refuse: string } | { readonly enrich: Readonly<Record<string, unknown>> };

/**
 * What a notification hook sees after a commit.
 *
 * @example
 * ```ts
 * api.hooks.afterCommit(({ entry, deliveryId }) => auditLog.append(deliveryId, entry.type));
 * ```
 */
export interface AfterCommitContext<TDef = AnyJourneyDefinition> {
  readonly journeyId: string;
  readonly entry: JourneyEntryFrom<TDef>;
  /** The outbox item being delivered; its `id` is stable across redeliveries. */
  readonly deliveryId: string;
}

/**
 * An effect the journey emitted (`type` and its `payload`), typed from the plugin's definition.
 *
 * @example
 * ```ts
 * api.hooks.onEffect(({ type, payload }) => { if (type === 'safety.alert') page(payload.reason); });
 * ```
 */
export type EffectContext<TDef = AnyJourneyDefinition> = EffectNotice<JourneyEffectFrom<TDef> | JourneyEndedEffect<JourneyPhaseFrom<TDef>>>;

/**
 * What `onTimer` sees when one of the plugin's durable timers is due.
 *
 * @example
 * ```ts
 * api.hooks.onTimer(({ journeyId, key, payload }) => sms.send(journeyId, key, payload));
 * ```
 */
export interface PluginTimerContext {
  readonly journeyId: string;
  readonly key: string;
  readonly payload: unknown;
  readonly dueAt: number;
  readonly deliveryId: string;
}

/**
 * Every hook a plugin can register. Veto hooks (`beforeEvent`) are fail-fast; the rest are
 * isolated: a hook that throws is reported as `plugin.error` and is not retried (the item is
 * marked delivered), so a hook that must not miss an item keeps its own retry.
 *
 * @example
 * ```ts
 * const hooks: Partial<PluginHooks> = { afterCommit: ({ entry }) => console.log(entry.type) };
 * ```
 */
export interface PluginHooks<TDef = AnyJourneyDefinition> {
  /** Before an event is applied: let it through, refuse it, or enrich it. A throw refuses it. */
  beforeEvent(ctx: BeforeEventContext<TDef>): BeforeEventResult | Promise<BeforeEventResult>;
  /** After every committed journal entry (at least once). */
  afterCommit(ctx: AfterCommitContext<TDef>): void | Promise<void>;
  /** For every effect the journey emitted (at least once). */
  onEffect(ctx: EffectContext<TDef>): void | Promise<void>;
  /** When one of this plugin's durable timers is due. */
  onTimer(ctx: PluginTimerContext): void | Promise<void>;
}

/**
 * The name of a hook.
 *
 * @example
 * ```ts
 * const isolated: HookName[] = ['afterCommit', 'onEffect', 'onTimer'];
 * ```
 */
export type HookName = keyof PluginHooks;
export const HOOK_NAMES: readonly HookName[] = ['beforeEvent', 'afterCommit', 'onEffect', 'onTimer'];
