import type { EngineCore } from './EngineCore.js';
import { loadJourney } from './load.js';
import type { SendResult } from './SendResult.js';
import { readView } from './view.js';

/**
 * The de-duplicate step: an idempotency key this journey has seen returns the first result
 * (`duplicate: true`) instead of applying the event again.
 */
export async function findDuplicate(core: EngineCore, journeyId: string, key: string): Promise<SendResult | undefined> {
  const seq = await core.store.findIdempotencyKey(journeyId, key);
  if (seq === undefined) return undefined;
  const [entry] = await core.store.readJournal(journeyId, { fromSeq: seq, limit: 1 });
  if (!entry) return undefined;
  const loaded = await loadJourney(core, journeyId);
  if ('refusal' in loaded) return { ok: false, error: loaded.refusal };
  return { ok: true, view: await readView(core, loaded), entry, duplicate: true };
}
