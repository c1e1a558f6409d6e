import { z } from 'zod';
import type { TimerRow } from '../store/records.js';
import { once } from '../lazyInstance.js';
import { parseArgument } from '../validation/parseArgument.js';
import type { AnyJourneyDefinition } from '../engine/defineJourney.js';
import type { SendOptions } from '../engine/EngineOptions.js';
import type { JourneyEntryFrom, JourneyEventFrom, JourneyViewFrom } from '../engine/JourneyTypesFrom.js';
import type { SendResult } from '../engine/SendResult.js';
import type { PluginHooks } from './hooks.js';

/**
 * Registers hooks. Unknown hook names throw `CJ_ERR_PLUGIN` at registration.
 *
 * @example
 * ```ts
 * setup(api) { api.hooks.afterCommit(({ entry }) => console.log(entry.type)); }
 * ```
 */
export type PluginHookRegistry<TDef = AnyJourneyDefinition> = { readonly [K in keyof PluginHooks<TDef>]: (handler: PluginHooks<TDef>[K]) => void };

/**
 * The scoped capabilities a plugin gets in `setup`, typed from the definition the plugin is
 * written for (any journey by default).
 *
 * @example
 * ```ts
 * setup(api) { api.hooks.onTimer(async ({ journeyId }) => { await api.send(journeyId, { type: 'referral.accepted' }, { actor: { id: 'bot', role: 'system' } }); }); }
 * ```
 */
export interface PluginApi<TDef extends AnyJourneyDefinition = AnyJourneyDefinition> {
  /** The plugin's own name. */
  readonly name: string;
  readonly hooks: PluginHookRegistry<TDef>;
  readonly timers: {
    /** Sets (or replaces) a durable timer of this plugin; `onTimer` gets it when due. */
    schedule(timer: { journeyId: string; key: string; dueAt: number; payload?: unknown }): Promise<void>;
    /** Cancels a timer of this plugin (an unknown key is ignored). */
    cancel(journeyId: string, key: string): Promise<void>;
    /** This plugin's pending timers of one journey. */
    list(journeyId: string): Promise<Omit<TimerRow, 'owner'>[]>;
  };
  /**
   * Sends a follow-up event. Queued and applied after the current event's dispatch, never
   * re-entrantly; the promise settles when it has been applied or refused.
   */
  send(journeyId: string, event: JourneyEventFrom<TDef>, options: SendOptions<TDef>): Promise<SendResult<JourneyViewFrom<TDef>, JourneyEntryFrom<TDef>>>;
  /** The journey now, as `engine.get` returns it. */
  get(journeyId: string): Promise<JourneyViewFrom<TDef>>;
  /** The clock's time, epoch milliseconds. */
  now(): number;
}

/**
 * A plugin, as given to `createEngine({ plugins })`. Create it with {@link definePlugin}.
 *
 * @example
 * ```ts
 * const plugins: CareJourneyPlugin[] = [auditTrail({ sink: console.log })];
 * ```
 */
export interface CareJourneyPlugin<TDef extends AnyJourneyDefinition = AnyJourneyDefinition> {
  readonly kind: 'carejourney.plugin';
  readonly name: string;
  readonly dependencies: readonly string[];
  /** Registers the plugin's hooks with its scoped API. */
  readonly setup: (api: PluginApi<TDef>) => void;
}

/**
 * What {@link definePlugin} takes: a name, the plugins it needs first, and `setup`.
 *
 * @example
 * ```ts
 * definePlugin({ name: 'audit-trail', dependencies: [], setup(api) { api.hooks.afterCommit(({ entry }) => console.log(entry.type)); } });
 * ```
 */
export interface PluginConfig<TDef extends AnyJourneyDefinition = AnyJourneyDefinition> {
  /** Unique name, e.g. `reminders`. Letters, digits, dashes, dots and `@`/`/` for scoped names. */
  readonly name: string;
  /** Names of plugins that must be registered before this one. */
  readonly dependencies?: readonly string[];
  /** Synchronous: register hooks here. Throwing rejects the engine's creation. */
  readonly setup: (api: PluginApi<TDef>) => void;
}

/** Built on first use, not at import. */
const pluginConfigSchema = once(() =>
  z.object({
    name: z.string().min(1).max(214),
    dependencies: z.array(z.string().max(214)).max(100).optional(),
    setup: z.custom<(api: PluginApi) => void>((v) => typeof v === 'function', { message: 'must be a function' }),
  }),
);

/**
 * Declares a plugin. Options are validated by the plugin's own factory, typically with zod.
 * Written for any journey by default; give the definition's type
 * (`definePlugin<typeof ketamineAnxietyJourney>({...})`) to type the events, entries, effects
 * and views it sees and the events it sends. A bad config throws `CJ_ERR_PLUGIN`.
 *
 * @example
 * ```ts
 * export const auditTrail = (options: { sink: (line: string) => void }) =>
 *   definePlugin({
 *     name: 'audit-trail',
 *     setup(api) {
 *       api.hooks.afterCommit(({ entry }) => options.sink(`${entry.at} ${entry.type}`));
 *     },
 *   });
 * ```
 */
export function definePlugin<TDef extends AnyJourneyDefinition = AnyJourneyDefinition>(config: PluginConfig<TDef>): CareJourneyPlugin<TDef> {
  parseArgument(pluginConfigSchema(), config, 'CJ_ERR_PLUGIN', 'The plugin definition', 'config');
  return Object.freeze({
    kind: 'carejourney.plugin' as const,
    name: config.name,
    dependencies: [...(config.dependencies ?? [])],
    setup: config.setup,
  });
}

