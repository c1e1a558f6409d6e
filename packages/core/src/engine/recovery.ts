import { deliverAll } from './deliver.js';
import type { EngineCore } from './EngineCore.js';

/**
 * Delivers every outbox item not yet marked delivered (after a crash between commit and
 * delivery). At least once: handlers de-duplicate on `deliveryId`. Returns how many it delivered.
 */
export async function recoverOutbox(core: EngineCore, journeyId: string | undefined): Promise<number> {
  let count = 0;
  for (;;) {
    const pending = await core.store.pendingOutbox(100, journeyId);
    if (pending.length === 0) break;
    await deliverAll(core, pending);
    count += pending.length;
  }
  return count;
}
