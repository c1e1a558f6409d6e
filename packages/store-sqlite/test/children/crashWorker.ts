// A clinic server in miniature for the crash test: it drives visit journeys on a SqliteStore
// until the parent kills it with SIGKILL. Every line it logs is written before the next step, so
// the parent knows exactly what was acknowledged. Logs ids and keys only, never payloads.
//
// Run: node crashWorker.mjs '<json config>' (bundled by the workspace's test/support/bundleChild.ts)
import { createEngine, definePlugin, ManualClock, type PluginApi } from '@carejourney/core';
import { actors, visitJourney } from '../../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../../src/index.js';
import { openChildLog } from './childLog.js';
import { nextVisitAction, pick, seededRandom } from './visitActions.js';

interface CrashWorkerConfig {
  readonly dbPath: string;
  readonly logPath: string;
  readonly run: number;
  readonly seed: number;
  /** The clock's time at the start of this run; runs get later and later start times. */
  readonly startAt: number;
  /** The clock never passes this, so the next run's start time is always later. */
  readonly endAt: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as CrashWorkerConfig;
const log = openChildLog(config.logPath);
const random = seededRandom(config.seed);
const clock = new ManualClock(config.startAt);
const store = new SqliteStore({ path: config.dbPath });

let timersApi: PluginApi['timers'] | undefined;
const probe = definePlugin({
  name: 'probe',
  setup(api) {
    timersApi = api.timers;
    api.hooks.onTimer((ctx) => log.write({ t: 'delivered', id: ctx.deliveryId, timerKey: ctx.key }));
  },
});
const engine = createEngine({ definition: visitJourney, store, clock, plugins: [probe], maxRetries: 20 });
engine.on('transition', (n) => log.write({ t: 'delivered', id: n.deliveryId }));
engine.on('effect', (n) => log.write({ t: 'delivered', id: n.deliveryId }));

log.write({ t: 'run', run: config.run, pid: process.pid });
// What a crash left undelivered goes out first.
const recovered = await engine.recover();
log.write({ t: 'recovered', count: recovered });

const active = (await engine.query({ status: 'active' })).map((j) => j.id);
process.stdout.write('ready\n');

for (let n = 0; ; n++) {
  const roll = random();
  if (roll < 0.12 || active.length === 0) {
    const journeyId = `j-${config.run}-${n}`;
    await engine.start({ journeyId, patientRef: `pt-${config.run}-${n}`, input: {}, actor: actors.coordinator });
    log.write({ t: 'started', journeyId });
    active.push(journeyId);
  } else if (roll < 0.24) {
    if (clock.now() < config.endAt - 3 * 3_600_000) clock.advance((5 + Math.floor(random() * 85)) * 60_000);
    const fired = await engine.runDue();
    log.write({ t: 'ran', fired: fired.length, errors: fired.filter((f) => f.error).length });
  } else if (roll < 0.3) {
    const journeyId = pick(random, active);
    const key = `k-${config.run}-${n}`;
    await timersApi!.schedule({ journeyId, key, dueAt: clock.now() + (1 + Math.floor(random() * 120)) * 60_000, payload: { n } });
    log.write({ t: 'scheduled', journeyId, key });
  } else {
    const journeyId = pick(random, active);
    const view = await engine.get(journeyId);
    if (view.status !== 'active') {
      active.splice(active.indexOf(journeyId), 1);
      continue;
    }
    const action = nextVisitAction(view, clock.now(), random);
    if (!action) continue;
    const idempotencyKey = `e-${config.run}-${n}`;
    const result = await engine.send(journeyId, action.event as never, { actor: action.actor, idempotencyKey });
    if (result.ok) log.write({ t: 'acked', journeyId, key: idempotencyKey, seq: result.entry.seq, type: result.entry.type });
    else if (result.error.code === 'CJ_ERR_CONFLICT' || result.error.code === 'CJ_ERR_STORE') throw result.error;
  }
}
