import type { JourneyView } from './JourneyView.js';
import { authorize } from './authorize.js';
import { deliverAll } from './deliver.js';
import type { EngineCore } from './EngineCore.js';
import { startStep } from './step.js';
import { validateStart } from './validate.js';
import { readView } from './view.js';

/** `start` as its pipeline: validate → authorize → initial step → commit (version 0) → deliver. Throws refusals. */
export async function startJourney(core: EngineCore, options: unknown): Promise<JourneyView> {
  const { patientRef, input, actor, journeyId: chosenId } = validateStart(core, options);
  const forbidden = authorize(core, actor, 'journey.start', core.definition.policy.start);
  if (forbidden) throw forbidden;
  const journeyId = chosenId ?? core.generateId();
  const { commit, next } = startStep(core, journeyId, patientRef, actor, input);
  await core.locks.run(journeyId, () => core.store.commit(commit));
  await deliverAll(core, commit.outbox, true);
  // The initial context may share objects with the machine's definition: hand out a copy.
  const view = await readView(core, { record: commit.journey, snapshot: next });
  return { ...view, context: JSON.parse(JSON.stringify(view.context)) as unknown };
}
