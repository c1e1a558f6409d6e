import type { HookName } from '../plugin/hooks.js';
import { journalEntrySchema, type JournalEntry, type OutboxItem } from '../store/records.js';
import type { EngineCore } from './EngineCore.js';
import type { PluginErrorNotice } from './EngineEvents.js';

/** Bus names an effect may not take: an effect is never announced as a built-in notice. */
const RESERVED_NAMES = new Set(['effect', 'transition', 'plugin.error', 'refused', 'timer.fired', 'journey.started']);

/** Reports a failed notification hook on the bus. */
export function reportPluginError(core: EngineCore, r: { plugin: string; hook: HookName | 'listener'; error: unknown; journeyId?: string }): void {
  const notice: PluginErrorNotice = {
    plugin: r.plugin,
    hook: r.hook,
    message: r.error instanceof Error ? r.error.message : String(r.error),
    error: r.error,
    ...(r.journeyId === undefined ? {} : { journeyId: r.journeyId }),
  };
  core.bus.emit('plugin.error', notice);
}

/**
 * The deliver step: hands outbox items, in order, to listeners and plugin hooks, then marks
 * them delivered. `fresh` items were built by this engine; items read back from a store are
 * checked first.
 */
export async function deliverAll(core: EngineCore, items: readonly OutboxItem[], fresh = false): Promise<void> {
  if (items.length === 0) return;
  for (const item of items) await deliver(core, item, fresh);
  await core.store.markDelivered(items.map((i) => i.id));
}

async function deliver(core: EngineCore, item: OutboxItem, fresh: boolean): Promise<void> {
  const report = (r: { plugin: string; hook: HookName; error: unknown; journeyId?: string }) => reportPluginError(core, r);
  if (item.kind === 'transition') {
    const entry = fresh ? (item.payload as JournalEntry) : journalEntrySchema.parse(item.payload);
    const notice = { journeyId: item.journeyId, entry, deliveryId: item.id };
    core.bus.emit('transition', notice);
    if (entry.kind === 'start') core.bus.emit('journey.started', notice);
    await core.plugins.notify('afterCommit', notice, report);
  } else if (item.kind === 'effect') {
    const notice = { journeyId: item.journeyId, type: item.type, payload: (item.payload ?? {}) as Record<string, unknown>, deliveryId: item.id };
    core.bus.emit('effect', notice);
    if (!RESERVED_NAMES.has(item.type)) core.bus.emit(item.type, notice);
    await core.plugins.notify('onEffect', notice, report);
  } else {
    const p = item.payload as { key: string; dueAt: number; payload: unknown };
    await core.plugins.notify('onTimer', { journeyId: item.journeyId, key: p.key, payload: p.payload, dueAt: p.dueAt, deliveryId: item.id }, report, item.type);
  }
}
