import { CareJourneyError } from '../errors.js';
import type { Actor, JournalEntry } from '../store/records.js';
import type { EngineCore } from './EngineCore.js';
import { loadJourney } from './load.js';
import type { SendResult } from './SendResult.js';
import type { ValidEvent } from './validate.js';
import { journeyView } from './view.js';

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * What differs between a request and the journal entry its idempotency key produced: the type,
 * the actor or the payload. A plugin's `beforeEvent` hook may have added fields to the stored
 * payload, so with such hooks registered the stored payload may hold more fields than the
 * request; every field the request carries must still be equal.
 */
function mismatch(request: ValidEvent, entry: JournalEntry, enriched: boolean): 'type' | 'actor' | 'payload' | undefined {
  if (entry.kind !== 'event' || entry.type !== request.type) return 'type';
  const actor: Actor = { id: request.actor.id, role: request.actor.role };
  if (canonical(entry.actor) !== canonical(actor)) return 'actor';
  if (!enriched) return canonical(entry.payload) === canonical(request.payload) ? undefined : 'payload';
  for (const [key, value] of Object.entries(request.payload)) {
    if (!Object.hasOwn(entry.payload, key) || canonical(entry.payload[key]) !== canonical(value)) return 'payload';
  }
  return undefined;
}

/**
 * The de-duplicate step: an idempotency key this journey has seen returns the first result
 * (`duplicate: true`) when the request is the same event (type, payload, actor), and
 * `CJ_ERR_IDEMPOTENCY_MISMATCH` when the key was used for a different one. Changes nothing.
 */
export async function findDuplicate(core: EngineCore, request: ValidEvent & { idempotencyKey: string }): Promise<SendResult | undefined> {
  const { journeyId, idempotencyKey } = request;
  const seq = await core.store.findIdempotencyKey(journeyId, idempotencyKey);
  if (seq === undefined) return undefined;
  const [entry] = await core.store.readJournal(journeyId, { fromSeq: seq, limit: 1 });
  if (!entry) return undefined;
  const differs = mismatch(request, entry, core.plugins.has('beforeEvent'));
  if (differs) {
    return {
      ok: false,
      error: new CareJourneyError(
        'CJ_ERR_IDEMPOTENCY_MISMATCH',
        `The idempotency key was already used on journey "${journeyId}" for a different event (its ${differs} differs). Nothing was applied; use a new key for a new event.`,
        { journeyId, eventType: request.type, reason: `the ${differs} differs from the event the key was first used for` },
      ),
    };
  }
  const loaded = await loadJourney(core, journeyId);
  if ('refusal' in loaded) return { ok: false, error: loaded.refusal };
  return { ok: true, view: journeyView(core, loaded, core.now()), entry, duplicate: true };
}
