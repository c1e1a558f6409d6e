// One process of the multi-process run: sends the monitoring stream to its own journeys through
// the engine on PostgresStore, after "go" on stdin. Prints `ready`, then one JSON line of results.
//
// Run: node --import tsx sendWorker.ts '<json config>'
import { createEngine, ketamineAnxietyJourney, ManualClock } from '@carejourney/core';
import { PostgresStore } from '../../src/index.js';
import type { StreamEvent } from '../benchSetup.js';

interface SendWorkerConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly journeyIds: readonly string[];
  readonly stream: readonly StreamEvent[];
  readonly protocol: unknown;
  readonly at: number;
  readonly events: number;
  readonly name: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as SendWorkerConfig;
const store = await PostgresStore.open({ connectionString: config.databaseUrl, schema: config.schema, poolSize: 2 });
const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock: new ManualClock(config.at), protocol: config.protocol as never });

process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.destroy();

const started = process.hrtime.bigint();
for (let i = 0; i < config.events; i++) {
  const id = config.journeyIds[i % config.journeyIds.length]!;
  const { event, actor } = config.stream[Math.floor(i / config.journeyIds.length) % config.stream.length]!;
  const result = await engine.send(id, event as never, { actor: actor as never, idempotencyKey: `${config.name}-${i}` });
  if (!result.ok) throw result.error;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await store.close();
process.stdout.write(`${JSON.stringify({ events: config.events, seconds })}\n`);
