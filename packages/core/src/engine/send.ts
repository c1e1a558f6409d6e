import { CareJourneyError } from '../errors.js';
import { commitToStore, timersAfter } from './commit.js';
import { findDuplicate } from './deduplicate.js';
import { deliverCommitted } from './deliver.js';
import type { EngineCore } from './EngineCore.js';
import type { StampedEvent } from './guardRule.js';
import { loadJourney, type Loaded } from './load.js';
import type { SendResult } from './SendResult.js';
import { step, type Step } from './step.js';
import { validatePayload, validateSend, type ValidEvent } from './validate.js';
import { journeyView } from './view.js';

type Attempt = SendResult | { readonly step: Step; readonly loaded: Loaded; readonly at: number } | 'conflict';

/**
 * `send` as its pipeline: validate → authorize → de-duplicate → load → check the expected
 * version → plugin veto hooks → step → commit (retried on a version conflict) → deliver.
 * Refusals are returned. Once the commit succeeded nothing throws: delivery failures are
 * reported on the bus and the result says the event was applied.
 */
export async function sendEvent(core: EngineCore, journeyId: unknown, event: unknown, options: unknown): Promise<SendResult> {
  const checked = validateSend(core, journeyId, event, options);
  if ('refusal' in checked) return refuse(core, checked.refusal);
  for (let attempt = 0; ; attempt++) {
    const outcome = await core.locks.run(checked.journeyId, () => tryOnce(core, checked));
    if (outcome === 'conflict') {
      if (attempt < core.maxRetries) continue;
      return refuse(
        core,
        new CareJourneyError(
          'CJ_ERR_CONFLICT',
          `Event "${checked.type}" on journey "${checked.journeyId}" could not be committed: other writers changed the journey ${attempt + 1} times in a row. Nothing was applied; send it again.`,
          { journeyId: checked.journeyId, eventType: checked.type },
        ),
      );
    }
    if ('ok' in outcome) return outcome.ok ? outcome : refuse(core, outcome.error);
    // Committed: from here on nothing may throw.
    const { commit, next } = outcome.step;
    await deliverCommitted(core, commit.outbox);
    const timers = timersAfter(outcome.loaded.timers, commit);
    // The next event of the journey shows these without reading them, while no one else commits.
    core.snapshots.committed(next, commit.journey.version, timers);
    const view = journeyView(core, { record: commit.journey, snapshot: next, timers }, outcome.at);
    return { ok: true, view, entry: commit.entry, duplicate: false };
  }
}

/** One attempt under the journey's lock: the result, a refusal, or `conflict` to retry. */
async function tryOnce(core: EngineCore, request: ValidEvent): Promise<Attempt> {
  const { journeyId, type, actor, idempotencyKey, expectedVersion } = request;
  if (idempotencyKey !== undefined) {
    const duplicate = await findDuplicate(core, { ...request, idempotencyKey });
    if (duplicate) return duplicate;
  }
  const loaded = await loadJourney(core, journeyId, 'known');
  if ('refusal' in loaded) return { ok: false, error: loaded.refusal };
  if (expectedVersion !== undefined && loaded.record.version !== expectedVersion) {
    return {
      ok: false,
      error: new CareJourneyError(
        'CJ_ERR_CONFLICT',
        `Journey "${journeyId}" is at version ${loaded.record.version}, not the expected ${expectedVersion}: it changed since the caller read it. Nothing was applied; reload it and decide again.`,
        { journeyId, eventType: type, expectedVersion, actualVersion: loaded.record.version },
      ),
    };
  }
  const at = core.now();
  let payload = request.payload;
  if (core.plugins.has('beforeEvent')) {
    const view = journeyView(core, loaded, at);
    const veto = await core.plugins.runBeforeEvent({ journeyId, event: { ...payload, type }, actor, view, at });
    if (veto.refusal) return { ok: false, error: veto.refusal };
    if (Object.keys(veto.enrich).length > 0) {
      const enriched = validatePayload(core, journeyId, type, { ...payload, ...veto.enrich });
      if ('refusal' in enriched) return { ok: false, error: enriched.refusal };
      payload = enriched.payload;
    }
  }
  const next = step(core, loaded, { ...payload, type, at, actor } as StampedEvent, 'event', idempotencyKey);
  if ('refusal' in next) return { ok: false, error: next.refusal };
  return (await commitToStore(core, next.commit)) === 'conflict' ? 'conflict' : { step: next, loaded, at };
}

function refuse(core: EngineCore, error: CareJourneyError): SendResult {
  core.bus.emit('refused', { journeyId: error.details.journeyId ?? '', eventType: error.details.eventType ?? '', code: error.code, message: error.message });
  return { ok: false, error };
}
