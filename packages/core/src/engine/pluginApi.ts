import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { once } from '../lazyInstance.js';
import type { PluginApi } from '../plugin/definePlugin.js';
import type { TimerRow } from '../store/records.js';
import { checkJsonSafe } from '../validation/checkJsonSafe.js';
import { identifierSchema } from '../validation/identifierSchema.js';
import { parseArgument } from '../validation/parseArgument.js';
import { describeIssues } from '../validation/zodIssues.js';
import type { EngineCore } from './EngineCore.js';
import type { JourneyView } from './JourneyView.js';
import { sendEvent } from './send.js';
import { mutateTimers } from './timers.js';

/** Built on first use, not at import. */
const scheduleSchema = once(() =>
  z.strictObject({
    journeyId: identifierSchema,
    key: identifierSchema,
    dueAt: z.number().finite().min(-8.64e15).max(8.64e15),
    payload: z.unknown().optional(),
  }),
);

/** The scoped capabilities a plugin gets in `setup`: its hooks, its timers, queued sends, reads. */
export function pluginApi(core: EngineCore, name: string, hooks: PluginApi['hooks'], get: (journeyId: string) => Promise<JourneyView>): PluginApi {
  const timerKey = (key: string) => `plugin:${name}:${key}`;
  const id = (value: unknown, what: string) => parseArgument(identifierSchema, value, 'CJ_ERR_PLUGIN', `Plugin "${name}": ${what}`, what);
  return Object.freeze({
    name,
    hooks,
    now: () => core.now(),
    get,
    send: (journeyId: string, event: { type: string } & Record<string, unknown>, options: { actor: { id: string; role: string }; idempotencyKey?: string }) => {
      // Queued: starts after the calling hook yields, never inside the current transition.
      const task = Promise.resolve().then(() => sendEvent(core, journeyId, event, options));
      core.pendingSends.add(task);
      void task.finally(() => core.pendingSends.delete(task)).catch(() => undefined);
      return task;
    },
    timers: Object.freeze({
      schedule: async (timer: { journeyId: string; key: string; dueAt: number; payload?: unknown }) => {
        const t = parseArgument(scheduleSchema(), timer, 'CJ_ERR_PLUGIN', `Plugin "${name}" scheduled an invalid timer`, 'timer');
        const issues = checkJsonSafe(t.payload ?? null, 'payload', core.limits);
        if (issues.length > 0) throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${name}" timer payload is not JSON: ${describeIssues(issues)}`, { plugin: name, issues });
        const row: TimerRow = { journeyId: t.journeyId, key: timerKey(t.key), owner: name, dueAt: t.dueAt, payload: t.payload ?? null };
        await mutateTimers(core, t.journeyId, [row.key], [row]);
      },
      cancel: async (journeyId: string, key: string) => {
        await mutateTimers(core, id(journeyId, 'journeyId'), [timerKey(id(key, 'key'))], []);
      },
      list: async (journeyId: string) => {
        const rows = await core.store.listTimers(id(journeyId, 'journeyId'));
        return rows.filter((t) => t.owner === name).map(({ owner: _owner, ...t }) => ({ ...t, key: t.key.slice(timerKey('').length) }));
      },
    }),
  });
}
