import type { JournalEntry, OutboxItem, TimerRow, Actor } from '../store/records.js';
import type { JourneyView } from '../engine/JourneyView.js';

/**
 * What a veto hook sees before an event is applied.
 *
 * @example
 * ```ts
 * api.hooks.beforeEvent(({ event, actor, view }) => {
 *   if (event.type === 'consent.recorded' && !hostConsentStore.has(view.patientRef)) return { refuse: 'No signed consent form on file' };
 * });
 * ```
 */
export interface BeforeEventContext {
  readonly journeyId: string;
  /** The validated event: `{ type, ...payload }`. */
  readonly event: Readonly<Record<string, unknown>> & { readonly type: string };
  readonly actor: Actor;
  /** The journey as it is now. */
  readonly view: JourneyView;
  /** Epoch milliseconds the event will be stamped with. */
  readonly at: number;
}

/**
 * A veto hook's answer: nothing to let the event through, `{ refuse }` to stop it with a reason,
 * or `{ enrich }` to add payload fields (validated again against the event's schema).
 *
 * @example
 * ```ts
 * api.hooks.beforeEvent(({ event }) => (event.type === 'therapy.linked' ? { enrich: { modality: 'cbt' } } : undefined));
 * ```
 */
export type BeforeEventResult = void | undefined | { readonly refuse: string } | { readonly enrich: Readonly<Record<string, unknown>> };

/**
 * What a notification hook sees after a commit.
 *
 * @example
 * ```ts
 * api.hooks.afterCommit(({ entry, deliveryId }) => {
 *   if (seen.has(deliveryId)) return; // delivered at least once: de-duplicate
 *   seen.add(deliveryId);
 *   audit.write(`${entry.at} ${entry.actor.role} ${entry.type}`);
 * });
 * ```
 */
export interface AfterCommitContext {
  readonly journeyId: string;
  readonly entry: JournalEntry;
  /** The outbox item being delivered; its `id` is stable across redeliveries. */
  readonly deliveryId: string;
}

/**
 * What an `onEffect` hook sees: an effect the journey emitted (e.g. `safety.alert`), with a delivery id to de-duplicate on.
 *
 * @example
 * ```ts
 * api.hooks.onEffect(({ type, payload, deliveryId }) => {
 *   if (type === 'safety.alert') pager.page(deliveryId, String(payload['reason']));
 * });
 * ```
 */
export interface EffectContext {
  readonly journeyId: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Stable across redeliveries: de-duplicate on it. */
  readonly deliveryId: string;
}

/**
 * What an `onTimer` hook sees when one of the plugin's durable timers is due: its key, payload and due time.
 *
 * @example
 * ```ts
 * api.hooks.onTimer(async ({ journeyId, key, payload }) => {
 *   await sms.send(await lookupPhone(journeyId), reminderText(payload));
 * });
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
 * Every hook a plugin can register. Veto hooks are fail-fast; the rest are isolated.
 *
 * @example
 * ```ts
 * definePlugin({
 *   name: 'clinic-rules',
 *   setup(api) {
 *     api.hooks.beforeEvent(({ event }) => (event.type === 'dose.recorded' && pharmacyClosed() ? { refuse: 'Pharmacy closed' } : undefined));
 *     api.hooks.onEffect(({ type }) => metrics.count(type));
 *   },
 * });
 * ```
 */
export interface PluginHooks {
  /** Before an event is applied: may refuse it (`CJ_ERR_VETOED`) or enrich its payload. Fail-fast. */
  beforeEvent(ctx: BeforeEventContext): BeforeEventResult | Promise<BeforeEventResult>;
  /** After an event was committed, once per journal entry (at least once). Isolated: a throw is reported as `plugin.error`. */
  afterCommit(ctx: AfterCommitContext): void | Promise<void>;
  /** For every effect the journey emitted (at least once). Isolated. */
  onEffect(ctx: EffectContext): void | Promise<void>;
  /** When one of this plugin's durable timers is due (once per timer, redelivered after a crash). Isolated. */
  onTimer(ctx: PluginTimerContext): void | Promise<void>;
}

/**
 * The name of a plugin hook: `beforeEvent`, `afterCommit`, `onEffect` or `onTimer`.
 *
 * @example
 * ```ts
 * const hook: HookName = 'afterCommit';
 * engine.on('plugin.error', (n) => n.hook === hook && log(n.plugin, n.message));
 * ```
 */
export type HookName = keyof PluginHooks;
export const HOOK_NAMES: readonly HookName[] = ['beforeEvent', 'afterCommit', 'onEffect', 'onTimer'];

/** Internal: a delivered outbox item with the entry it belongs to. */
export interface Delivery {
  readonly item: OutboxItem;
  readonly timer?: TimerRow;
}
