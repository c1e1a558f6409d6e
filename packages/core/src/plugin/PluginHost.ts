import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { once } from '../lazyInstance.js';
import type { CareJourneyPlugin, PluginApi } from './definePlugin.js';
import { HOOK_NAMES, type BeforeEventContext, type HookName, type PluginHooks } from './hooks.js';

type Registered<K extends HookName> = { plugin: string; handler: PluginHooks[K] };

/** Reports a failure of an isolated hook. */
export type PluginErrorReporter = (report: { plugin: string; hook: HookName; error: unknown; journeyId?: string }) => void;

const NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/i;

/**
 * What `definePlugin` makes; checked again here, since `plugins` may hold anything at runtime.
 * Built on first use, not at import.
 */
const pluginShape = once(() =>
  z.object({
    kind: z.literal('carejourney.plugin'),
    name: z.string().max(214),
    dependencies: z.array(z.string().max(214)).max(100),
    setup: z.custom<(api: PluginApi) => void>((v) => typeof v === 'function'),
  }),
);

function checkShape(plugin: unknown): CareJourneyPlugin {
  let ok = false;
  try {
    ok = pluginShape().safeParse(plugin).success;
  } catch {
    // A proxy or getter that throws is not a plugin either.
  }
  if (!ok) throw new CareJourneyError('CJ_ERR_PLUGIN', 'A value in `plugins` is not a plugin: create plugins with definePlugin().');
  return plugin as CareJourneyPlugin;
}

/**
 * Registers plugins and runs their hooks: veto hooks fail-fast (a throw refuses the event),
 * notification hooks isolated (a throw is reported, the others still run).
 */
export class PluginHost {
  readonly #hooks: { [K in HookName]: Registered<K>[] } = { beforeEvent: [], afterCommit: [], onEffect: [], onTimer: [] };
  readonly names: readonly string[];

  constructor(candidates: readonly unknown[], makeApi: (name: string, hooks: PluginApi['hooks']) => PluginApi) {
    const seen = new Set<string>();
    const plugins = candidates.map(checkShape);
    for (const plugin of plugins) {
      if (!NAME.test(plugin.name)) {
        throw new CareJourneyError('CJ_ERR_PLUGIN', 'A plugin name is not valid: use letters, digits, dots and dashes (and @scope/ for scoped names).');
      }
      if (seen.has(plugin.name)) {
        throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${plugin.name}" is registered twice.`, { plugin: plugin.name });
      }
      for (const dep of plugin.dependencies) {
        if (!seen.has(dep)) {
          const later = plugins.some((p) => p.name === dep);
          throw new CareJourneyError(
            'CJ_ERR_PLUGIN',
            later
              ? `Plugin "${plugin.name}" depends on "${dep}", which is registered after it: list "${dep}" first.`
              : `Plugin "${plugin.name}" depends on "${dep}", which is not registered.`,
            { plugin: plugin.name },
          );
        }
      }
      seen.add(plugin.name);
      const registry = this.#registry(plugin.name);
      try {
        plugin.setup(makeApi(plugin.name, registry));
      } catch (error) {
        if (error instanceof CareJourneyError) throw error;
        throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${plugin.name}" failed in setup: ${describeError(error)}`, { plugin: plugin.name }, { cause: error });
      }
    }
    this.names = [...seen];
  }

  #registry(plugin: string): PluginApi['hooks'] {
    const target: Record<string, (handler: never) => void> = {};
    for (const hook of HOOK_NAMES) {
      target[hook] = (handler: never) => {
        if (typeof handler !== 'function') {
          throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${plugin}" registered a ${hook} hook that is not a function.`, { plugin });
        }
        (this.#hooks[hook] as Registered<typeof hook>[]).push({ plugin, handler });
      };
    }
    return new Proxy(Object.freeze(target), {
      get(t, prop) {
        if (typeof prop === 'string' && !(prop in t)) {
          throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${plugin}" asked for unknown hook "${prop}". Hooks: ${HOOK_NAMES.join(', ')}.`, { plugin });
        }
        return Reflect.get(t, prop) as unknown;
      },
    }) as PluginApi['hooks'];
  }

  has(hook: HookName): boolean {
    return this.#hooks[hook].length > 0;
  }

  /**
   * Runs veto hooks in registration order. Returns a refusal (vetoed or plugin failure) or the
   * enrichment the hooks added.
   */
  async runBeforeEvent(ctx: BeforeEventContext): Promise<{ refusal?: CareJourneyError; enrich: Record<string, unknown> }> {
    const enrich: Record<string, unknown> = {};
    for (const { plugin, handler } of this.#hooks.beforeEvent) {
      let result: Awaited<ReturnType<PluginHooks['beforeEvent']>>;
      try {
        result = await handler({ ...ctx, event: { ...ctx.event, ...enrich } });
      } catch (error) {
        return {
          refusal: new CareJourneyError(
            'CJ_ERR_PLUGIN',
            `Event "${ctx.event.type}" refused: plugin "${plugin}" failed while checking it (${describeError(error)}).`,
            { journeyId: ctx.journeyId, eventType: ctx.event.type, plugin },
            { cause: error },
          ),
          enrich,
        };
      }
      if (result && 'refuse' in result) {
        return {
          refusal: new CareJourneyError('CJ_ERR_VETOED', `Event "${ctx.event.type}" refused by plugin "${plugin}": ${result.refuse}`, {
            journeyId: ctx.journeyId,
            eventType: ctx.event.type,
            plugin,
            reason: result.refuse,
          }),
          enrich,
        };
      }
      if (result && 'enrich' in result) Object.assign(enrich, result.enrich);
    }
    return { enrich };
  }

  /** Runs an isolated notification hook on every plugin (or only `only`); failures are reported. */
  async notify<K extends Exclude<HookName, 'beforeEvent'>>(hook: K, ctx: Parameters<PluginHooks[K]>[0], report: PluginErrorReporter, only?: string): Promise<void> {
    if (this.#hooks[hook].length === 0) return;
    for (const { plugin, handler } of this.#hooks[hook] as Registered<K>[]) {
      if (only !== undefined && plugin !== only) continue;
      try {
        await (handler as (c: typeof ctx) => unknown)(ctx);
      } catch (error) {
        report({ plugin, hook, error, journeyId: (ctx as { journeyId: string }).journeyId });
      }
    }
  }
}

/** A thrown value's message for an error that names a plugin; never throws itself. */
export function describeError(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'a value that cannot be described';
  }
}
