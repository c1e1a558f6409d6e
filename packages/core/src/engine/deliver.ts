import { z } from 'zod';
import { CareJourneyError } from '../errors.js';
import { once } from '../lazyInstance.js';
import type { HookName } from '../plugin/hooks.js';
import { describeError } from '../plugin/PluginHost.js';
import { journalEntrySchema, outboxItemSchema, type JournalEntry, type OutboxItem } from '../store/records.js';
import { describeStoredIssues } from '../validation/zodIssues.js';
import type { EngineCore } from './EngineCore.js';
import type { DeliveryFailedNotice, PluginErrorNotice } from './EngineEvents.js';

/** Bus names an effect may not take: an effect is never announced as a built-in notice. */
const RESERVED_NAMES = new Set(['effect', 'transition', 'plugin.error', 'refused', 'timer.fired', 'journey.started', 'delivery.failed']);

/** Built on first use, not at import. */
const effectPayloadSchema = once(() => z.record(z.string(), z.unknown()));
const timerPayloadSchema = once(() => z.object({ key: z.string(), dueAt: z.number(), payload: z.unknown() }));

/** Reports a failed notification hook on the bus. */
export function reportPluginError(core: EngineCore, r: { plugin: string; hook: HookName | 'listener'; error: unknown; journeyId?: string }): void {
  const notice: PluginErrorNotice = {
    plugin: r.plugin,
    hook: r.hook,
    message: describeError(r.error),
    error: r.error,
    ...(r.journeyId === undefined ? {} : { journeyId: r.journeyId }),
  };
  core.bus.emit('plugin.error', notice);
}

/** Reports on the bus that outbox items were not (all) delivered; they stay pending for `recover`. */
function reportDeliveryFailed(core: EngineCore, items: readonly OutboxItem[], error: CareJourneyError): void {
  const journeyId = items[0]?.journeyId;
  const notice: DeliveryFailedNotice = {
    deliveryIds: items.map((i) => i.id),
    code: error.code,
    message: error.message,
    error,
    ...(journeyId === undefined ? {} : { journeyId }),
  };
  core.bus.emit('delivery.failed', notice);
}

const asStoreError = (error: unknown, what: string): CareJourneyError =>
  error instanceof CareJourneyError ? error : new CareJourneyError('CJ_ERR_STORE', `The store failed to ${what}: ${describeError(error)}`, {}, { cause: error });

/**
 * The deliver step after a commit: hands the commit's outbox items, in order, to listeners and
 * plugin hooks, then marks them delivered. It never throws: the commit stands whatever happens
 * here. A failure (e.g. the store's write lock is busy when marking) is reported on the bus as
 * `delivery.failed`, and `recover()` delivers the items again (at least once).
 */
export async function deliverCommitted(core: EngineCore, items: readonly OutboxItem[]): Promise<boolean> {
  if (items.length === 0) return true;
  try {
    for (const item of items) await deliver(core, item);
    await core.store.markDelivered(items.map((i) => i.id));
    return true;
  } catch (error) {
    reportDeliveryFailed(core, items, asStoreError(error, 'mark outbox items delivered'));
    return false;
  }
}

/**
 * Delivers items read back from the store (by `recover`). Each item is checked first: one of
 * the wrong shape (damaged or hand-edited) is skipped, reported as `delivery.failed` with
 * `CJ_ERR_CORRUPT_SNAPSHOT`, and left pending and untouched; the others are delivered and
 * marked. Returns the ids of the skipped items. A store failure while marking throws.
 */
export async function deliverStored(core: EngineCore, rows: readonly unknown[]): Promise<{ delivered: string[]; skipped: string[] }> {
  const good: OutboxItem[] = [];
  const skipped: string[] = [];
  for (const row of rows) {
    const item = checkStoredItem(row);
    if (item instanceof CareJourneyError) {
      const id = (row as { id?: unknown } | null)?.id;
      skipped.push(outboxRowId(row));
      core.bus.emit('delivery.failed', {
        deliveryIds: typeof id === 'string' ? [id] : [],
        code: item.code,
        message: item.message,
        error: item,
        ...(item.details.journeyId === undefined ? {} : { journeyId: item.details.journeyId }),
      } satisfies DeliveryFailedNotice);
      continue;
    }
    await deliver(core, item);
    good.push(item);
  }
  if (good.length > 0) {
    try {
      await core.store.markDelivered(good.map((i) => i.id));
    } catch (error) {
      throw asStoreError(error, 'mark outbox items delivered');
    }
  }
  return { delivered: good.map((i) => i.id), skipped };
}

/** The id of an outbox row as read back, whatever its shape. */
export const outboxRowId = (row: unknown): string => String((row as { id?: unknown } | null)?.id);

/** An outbox row read back from a store, checked: the item, or the error that names what is wrong. */
function checkStoredItem(row: unknown): OutboxItem | CareJourneyError {
  const parsed = outboxItemSchema.safeParse(row);
  const journeyId = (row as { journeyId?: unknown } | null)?.journeyId;
  const named = typeof journeyId === 'string' ? journeyId : '(unknown)';
  const damaged = (what: string) =>
    new CareJourneyError('CJ_ERR_CORRUPT_SNAPSHOT', `An outbox item of journey "${named}" cannot be delivered: ${what}. It was left pending and untouched; repair or remove the row.`, {
      ...(typeof journeyId === 'string' ? { journeyId } : {}),
    });
  if (!parsed.success) return damaged(`the row is malformed (${describeStoredIssues(parsed.error, 'outbox')})`);
  const item = parsed.data;
  const payloadSchema = item.kind === 'transition' ? journalEntrySchema : item.kind === 'effect' ? effectPayloadSchema() : timerPayloadSchema();
  const payload = payloadSchema.safeParse(item.payload ?? (item.kind === 'effect' ? {} : undefined));
  if (!payload.success) return damaged(`its ${item.kind} payload is malformed (${describeStoredIssues(payload.error, 'payload')})`);
  return { ...item, payload: payload.data };
}

/** Delivers one item (built by this engine, or checked) to the bus and the plugin hooks. */
async function deliver(core: EngineCore, item: OutboxItem): Promise<void> {
  const report = (r: { plugin: string; hook: HookName; error: unknown; journeyId?: string }) => reportPluginError(core, r);
  if (item.kind === 'transition') {
    const entry = item.payload as JournalEntry;
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
