import { deliverStored, outboxRowId } from './deliver.js';
import type { EngineCore } from './EngineCore.js';

/**
 * Delivers every outbox item not yet marked delivered (after a crash between commit and
 * delivery, or a delivery that failed). At least once: handlers de-duplicate on `deliveryId`.
 * A damaged item is reported (`delivery.failed`) and skipped; the others are delivered.
 * Returns how many it delivered.
 */
export async function recoverOutbox(core: EngineCore, journeyId: string | undefined): Promise<number> {
  // Damaged items stay pending, so each item is handled at most once per run: the run ends even
  // when some rows can never be delivered.
  const handled = new Set<string>();
  let count = 0;
  let stuck = 0;
  for (;;) {
    // Delivered items leave the pending list; skipped ones stay and take room in every page.
    const rows = (await core.store.pendingOutbox(100 + stuck, journeyId)) as unknown[];
    const pending = rows.filter((row) => !handled.has(outboxRowId(row)));
    if (pending.length === 0) break;
    const { delivered, skipped } = await deliverStored(core, pending);
    for (const id of [...delivered, ...skipped]) handled.add(id);
    stuck += skipped.length;
    count += delivered.length;
  }
  return count;
}
