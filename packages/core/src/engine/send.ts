import { CareJourneyError } from '../errors.js';
import { commitToStore } from './commit.js';
import { findDuplicate } from './deduplicate.js';
import { deliverAll } from './deliver.js';
import type { EngineCore } from './EngineCore.js';
import type { StampedEvent } from './guardRule.js';
import { loadJourney } from './load.js';
import type { SendResult } from './SendResult.js';
import { step, type Step } from './step.js';
import { validatePayload, validateSend } from './validate.js';
import { readView } from './view.js';

/**
 * `send` as its pipeline: validate → authorize → de-duplicate → load → plugin veto hooks →
 * step → commit (retried on a version conflict) → deliver.
 */
export async function sendEvent(core: EngineCore, journeyId: unknown, event: unknown, options: unknown): Promise<SendResult> {
  const eventType = typeof (event as { type?: unknown } | null)?.type === 'string' ? (event as { type: string }).type : '(missing)';
  const refuse = (error: CareJourneyError): SendResult => {
    core.bus.emit('refused', { journeyId: String(journeyId), eventType, code: error.code, message: error.message });
    return { ok: false, error };
  };
  const checked = validateSend(core, journeyId, event, options);
  if ('refusal' in checked) return refuse(checked.refusal);
  const { type, actor, idempotencyKey } = checked;
  const id = checked.journeyId;
  let payload = checked.payload;

  for (let attempt = 0; ; attempt++) {
    const outcome = await core.locks.run(id, async (): Promise<SendResult | Step | 'conflict'> => {
      if (idempotencyKey !== undefined) {
        const duplicate = await findDuplicate(core, id, idempotencyKey);
        if (duplicate) return duplicate;
      }
      const loaded = await loadJourney(core, id);
      if ('refusal' in loaded) return { ok: false, error: loaded.refusal };
      const at = core.now();
      if (core.plugins.has('beforeEvent')) {
        const view = await readView(core, loaded);
        const veto = await core.plugins.runBeforeEvent({ journeyId: id, event: { ...payload, type }, actor, view, at });
        if (veto.refusal) return { ok: false, error: veto.refusal };
        if (Object.keys(veto.enrich).length > 0) {
          const enriched = validatePayload(core, id, type, { ...payload, ...veto.enrich });
          if ('refusal' in enriched) return { ok: false, error: enriched.refusal };
          payload = enriched.payload;
        }
      }
      const next = step(core, loaded, { ...payload, type, at, actor } as StampedEvent, 'event', idempotencyKey);
      if ('refusal' in next) return { ok: false, error: next.refusal };
      return (await commitToStore(core, next.commit)) === 'conflict' ? 'conflict' : next;
    });
    if (outcome === 'conflict') {
      if (attempt < core.maxRetries) continue;
      return refuse(
        new CareJourneyError(
          'CJ_ERR_CONFLICT',
          `Event "${type}" on journey "${id}" could not be committed: other writers changed the journey ${attempt + 1} times in a row. Nothing was applied; send it again.`,
          { journeyId: id, eventType: type },
        ),
      );
    }
    if ('ok' in outcome) return outcome.ok ? outcome : refuse(outcome.error);
    const { commit, next } = outcome;
    await deliverAll(core, commit.outbox, true);
    return { ok: true, view: await readView(core, { record: commit.journey, snapshot: next }), entry: commit.entry, duplicate: false };
  }
}
