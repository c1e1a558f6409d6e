// Creates an engine over the shipped journey with the suite's protocol. While the safety model's
// protocol keys are not all known to the journey (they land on main part by part), the keys it
// refuses as unrecognized are dropped and listed, so the walks still exercise the journey as it
// is; the protocol test asserts that nothing had to be dropped.
import {
  createEngine,
  isCareJourneyError,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type JourneyEngine,
  type KetamineProtocolInput,
} from '../../src/index.js';

export type SafetyEngine = JourneyEngine<typeof ketamineAnxietyJourney>;

export interface Built {
  readonly engine: SafetyEngine;
  readonly store: MemoryStore;
  readonly clock: ManualClock;
  /** Protocol keys the journey refused as unknown (dotted paths); empty once the model has landed. */
  readonly dropped: readonly string[];
}

function dropKey(root: Record<string, unknown>, path: string, key: string): boolean {
  const parts = path.split('.').slice(1);
  let node: unknown = root;
  for (const p of parts) node = (node as Record<string, unknown> | undefined)?.[p];
  if (node && typeof node === 'object' && key in node) {
    delete (node as Record<string, unknown>)[key];
    return true;
  }
  return false;
}

/** Builds an engine; throws what the engine throws for anything but unknown protocol keys. */
export function buildEngine(protocol: Record<string, unknown>, start: string | number): Built {
  const clock = new ManualClock(start);
  const store = new MemoryStore();
  const input = JSON.parse(JSON.stringify(protocol)) as Record<string, unknown>;
  const dropped: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: input as KetamineProtocolInput });
      return { engine, store, clock, dropped };
    } catch (error) {
      if (!isCareJourneyError(error, 'CJ_ERR_INVALID_CONFIG')) throw error;
      const issues = error.details.issues ?? [];
      const unknown = issues.filter((i) => i.rule === 'unrecognized_keys');
      if (unknown.length === 0 || unknown.length !== issues.length) throw error;
      let progressed = false;
      for (const issue of unknown) {
        for (const [, key] of issue.message.matchAll(/"([^"]+)"/g)) {
          if (key !== undefined && dropKey(input, issue.path, key)) {
            dropped.push(`${issue.path}.${key}`);
            progressed = true;
          }
        }
      }
      if (!progressed) throw error;
    }
  }
  throw new Error('buildEngine: the protocol kept being refused');
}
