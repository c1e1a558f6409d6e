// Creates an engine over the shipped journey with the suite's protocol, on a ManualClock and a
// MemoryStore of its own.
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type JourneyEngine, type KetamineProtocolInput } from '../../src/index.js';

export type SafetyEngine = JourneyEngine<typeof ketamineAnxietyJourney>;

export interface Built {
  readonly engine: SafetyEngine;
  readonly store: MemoryStore;
  readonly clock: ManualClock;
}

/** Builds an engine; throws what the engine throws for a protocol it refuses. */
export function buildEngine(protocol: Record<string, unknown>, start: string | number): Built {
  const clock = new ManualClock(start);
  const store = new MemoryStore();
  const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: protocol as KetamineProtocolInput });
  return { engine, store, clock };
}
