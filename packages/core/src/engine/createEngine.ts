import type { AnyJourneyDefinition } from './defineJourney.js';
import type { EngineOptions } from './EngineOptions.js';
import { JourneyEngine } from './JourneyEngine.js';

/**
 * Creates an engine for one journey definition over a store.
 *
 * @example
 * ```ts
 * const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock('2026-01-05T09:00:00Z') });
 * const view = await engine.start({ patientRef: 'pt-1', input: {}, actor: { id: 'c1', role: 'coordinator' } });
 * ```
 */
export function createEngine<TDef extends AnyJourneyDefinition>(options: EngineOptions<TDef>): JourneyEngine<TDef> {
  return new JourneyEngine(options);
}
