import { sealCommit } from '../store/sealCommit.js';
import { authorize } from './authorize.js';
import { timersAfter } from './commit.js';
import { deliverCommitted } from './deliver.js';
import type { EngineCore } from './EngineCore.js';
import type { JourneyView } from './JourneyView.js';
import { startStep } from './step.js';
import { validateStart } from './validate.js';
import { journeyView } from './view.js';

/**
 * `start` as its pipeline: validate → authorize → initial step → commit (version 0) → deliver.
 * Refusals are thrown and change nothing; after the commit nothing throws.
 */
export async function startJourney(core: EngineCore, options: unknown): Promise<JourneyView> {
  const { patientRef, input, actor, journeyId: chosenId } = validateStart(core, options);
  const forbidden = authorize(core, actor, 'journey.start', core.definition.policy.start);
  if (forbidden) throw forbidden;
  const journeyId = chosenId ?? core.newId();
  const { commit, next } = startStep(core, journeyId, patientRef, actor, input);
  await core.locks.run(journeyId, () => core.store.commit(sealCommit(commit)));
  core.protocols.committed(commit.protocols);
  await deliverCommitted(core, commit.outbox);
  const view = journeyView(core, { record: commit.journey, snapshot: next, timers: timersAfter([], commit) }, Date.parse(commit.entry.at));
  // The initial context may share objects with the machine's definition: hand out a copy.
  return { ...view, context: JSON.parse(JSON.stringify(view.context)) as unknown };
}
