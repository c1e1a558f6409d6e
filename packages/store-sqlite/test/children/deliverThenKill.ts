// For the delivered-marks crash test: sends events on a SqliteStore, logs every delivery id, and
// kills itself with SIGKILL right after the last send returns, before the 50 ms flush of the
// last delivered marks can run. Logs ids only, never payloads.
//
// Run: node deliverThenKill.mjs '<json config>' (bundled by the workspace's test/support/bundleChild.ts)
import { createEngine, ManualClock } from '@carejourney/core';
import { actors, visitJourney } from '../../../core/test/fixtures/visitJourney.js';
import { SqliteStore } from '../../src/index.js';
import { openChildLog } from './childLog.js';

interface DeliverThenKillConfig {
  readonly dbPath: string;
  readonly logPath: string;
  readonly journeyId: string;
  readonly sends: number;
  readonly startAt: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as DeliverThenKillConfig;
const log = openChildLog(config.logPath);
const store = new SqliteStore({ path: config.dbPath });
const engine = createEngine({ definition: visitJourney, store, clock: new ManualClock(config.startAt) });
engine.on('transition', (n) => log.write({ t: 'delivered', id: n.deliveryId }));

await engine.start({ journeyId: config.journeyId, patientRef: 'pt-1', input: {}, actor: actors.coordinator });
for (let i = 0; i < config.sends; i++) {
  const result = await engine.send(config.journeyId, { type: 'consent.recorded' }, { actor: actors.physician });
  if (!result.ok) throw result.error;
  log.write({ t: 'acked', seq: result.entry.seq });
}
// Synchronously, in the same turn as the last send's markDelivered: no timer can run first.
process.kill(process.pid, 'SIGKILL');
