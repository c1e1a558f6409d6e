// One of several processes sending to the same journeys in one PostgreSQL schema. It waits for
// "go" on stdin so all start together, logs every acknowledged event, and counts the commits the
// store refused as conflicts (the engine retries them).
//
// Run: node contendWorker.mjs '<json config>' (bundled by the workspace's test/support/bundleChild.ts)
import { createEngine, isCareJourneyError, ManualClock, type JourneyStore } from '@carejourney/core';
import { actors, visitJourney } from '../../../core/test/fixtures/visitJourney.js';
import { PostgresStore } from '../../src/index.js';
import { openChildLog } from './childLog.js';
import { pick, seededRandom } from './visitActions.js';

interface ContendWorkerConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly logPath: string;
  readonly name: string;
  readonly seed: number;
  readonly journeyIds: readonly string[];
  readonly events: number;
  readonly now: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ContendWorkerConfig;
const log = openChildLog(config.logPath);
const random = seededRandom(config.seed);
const postgres = await PostgresStore.open({ connectionString: config.databaseUrl, schema: config.schema, poolSize: 2 });
let conflicts = 0;
// The same store, counting the commits it refused because another process committed first.
const countingCommit: JourneyStore['commit'] = async (c) => {
  try {
    await postgres.commit(c);
  } catch (error) {
    if (isCareJourneyError(error, 'CJ_ERR_CONFLICT')) conflicts++;
    throw error;
  }
};
const store = new Proxy(postgres, {
  get: (target, prop) => {
    if (prop === 'commit') return countingCommit;
    const value: unknown = Reflect.get(target, prop);
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
});
const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(config.now), maxRetries: 20 });

process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
// Stop reading, or the open stdin would keep the process alive after its work is done.
process.stdin.destroy();

let refusedAfterRetries = 0;
for (let i = 0; i < config.events; i++) {
  const journeyId = pick(random, config.journeyIds);
  const idempotencyKey = `${config.name}-${i}`;
  const event = { type: 'vitals.recorded', systolic: 100 + (i % 40), diastolic: 70 } as const;
  for (;;) {
    const result = await engine.send(journeyId, event, { actor: actors.nurse, idempotencyKey });
    if (result.ok) {
      log.write({ t: 'acked', journeyId, key: idempotencyKey, seq: result.entry.seq, duplicate: result.duplicate });
      break;
    }
    // Still losing after the engine's retries: the event was not applied, so sending it again
    // (with the same key) is safe.
    if (result.error.code !== 'CJ_ERR_CONFLICT') throw result.error;
    refusedAfterRetries++;
  }
}
log.write({ t: 'done', conflicts, refusedAfterRetries });
await postgres.close();
log.close();
