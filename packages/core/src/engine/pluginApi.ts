import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import type { PluginApi } from '../plugin/definePlugin.js';
import type { Actor, TimerRow } from '../store/records.js';
import { checkJsonSafe } from '../validation/checkJsonSafe.js';
import { describeIssues } from '../validation/zodIssues.js';
import type { EngineCore } from './EngineCore.js';
import type { JourneyView } from './JourneyView.js';
import { sendEvent } from './send.js';
import { mutateTimers } from './timers.js';

const keySchema = z.string().min(1).max(200);

/** The scoped capabilities a plugin gets in `setup`: its hooks, its timers, queued sends, reads. */
export function pluginApi(core: EngineCore, name: string, hooks: PluginApi['hooks'], get: (journeyId: string) => Promise<JourneyView>): PluginApi {
  const timerKey = (key: string) => `plugin:${name}:${key}`;
  return Object.freeze({
    name,
    hooks,
    now: () => core.now(),
    get,
    send: (journeyId: string, event: { type: string } & Record<string, unknown>, options: { actor: Actor; idempotencyKey?: string }) => {
      // Queued: starts after the calling hook yields, never inside the current transition.
      const task = Promise.resolve().then(() => sendEvent(core, journeyId, event, options));
      core.pendingSends.add(task);
      void task.finally(() => core.pendingSends.delete(task)).catch(() => undefined);
      return task;
    },
    timers: Object.freeze({
      schedule: async (timer: { journeyId: string; key: string; dueAt: number; payload?: unknown }) => {
        const key = keySchema.safeParse(timer.key);
        if (!key.success || !Number.isFinite(timer.dueAt)) {
          throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${name}" scheduled an invalid timer: key must be 1-200 characters and dueAt a finite epoch-ms time.`, { plugin: name });
        }
        const issues = checkJsonSafe(timer.payload ?? null, 'payload', core.limits);
        if (issues.length > 0) throw new CareJourneyError('CJ_ERR_PLUGIN', `Plugin "${name}" timer payload is not JSON: ${describeIssues(issues)}`, { plugin: name, issues });
        const row: TimerRow = { journeyId: timer.journeyId, key: timerKey(timer.key), owner: name, dueAt: timer.dueAt, payload: timer.payload ?? null };
        await mutateTimers(core, timer.journeyId, [row.key], [row]);
      },
      cancel: async (journeyId: string, key: string) => {
        await mutateTimers(core, journeyId, [timerKey(key)], []);
      },
      list: async (journeyId: string) => {
        const rows = await core.store.listTimers(journeyId);
        return rows.filter((t) => t.owner === name).map(({ owner: _owner, ...t }) => ({ ...t, key: t.key.slice(timerKey('').length) }));
      },
    }),
  });
}
