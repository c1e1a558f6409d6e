// A server's timer worker in miniature: runWorker over a PostgresStore, firing the probe plugin's
// timers and logging each delivery (ids and keys only). Stops cleanly on "stop" on stdin, and when
// stdin ends (the parent exited or was killed: no worker outlives its test run); the parent may
// also kill it with SIGKILL in the middle of a batch.
//
// Run: node timerWorker.mjs '<json config>' (bundled by the workspace's test/support/bundleChild.ts)
import { createEngine, definePlugin, ManualClock } from '@carejourney/core';
import { visitJourney } from '../../../core/test/fixtures/visitJourney.js';
import { PostgresStore, runWorker } from '../../src/index.js';
import { openChildLog } from './childLog.js';

interface TimerWorkerConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly logPath: string;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly now: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as TimerWorkerConfig;
const log = openChildLog(config.logPath);
const store = await PostgresStore.open({
  connectionString: config.databaseUrl,
  schema: config.schema,
  workerId: config.workerId,
  leaseMs: config.leaseMs,
  poolSize: 2,
});
const probe = definePlugin({
  name: 'probe',
  setup(api) {
    api.hooks.onTimer((ctx) => log.write({ t: 'delivered', id: ctx.deliveryId, journeyId: ctx.journeyId, key: ctx.key }));
  },
});
const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(config.now), plugins: [probe], maxRetries: 20 });
engine.on('timer.fired', (n) => log.write({ t: 'fired', journeyId: n.journeyId, key: n.key }));

const controller = new AbortController();
process.stdin.on('data', (d) => {
  if (String(d).includes('stop')) controller.abort();
});
process.stdin.on('end', () => controller.abort());
process.stdout.write('ready\n');
const summary = await runWorker({
  engine,
  store,
  signal: controller.signal,
  pollMs: 100,
  onError: (error) => log.write({ t: 'error', message: error instanceof Error ? error.message : String(error) }),
});
log.write({ t: 'stopped', ...summary });
await store.close();
process.stdin.destroy();
log.close();
