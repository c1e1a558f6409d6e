// A clinic server in miniature for the restart test: it runs the crash scenario on a SqliteStore
// with the reminders plugin (its log in the same file) from a given step until the parent kills it
// with SIGKILL. Every line it logs is written before the next action, so the parent knows exactly
// what was acknowledged. Logs ids, kinds and times only.
//
// Run: node reminderWorker.mjs '<json config>' (bundled by the workspace's test/support/bundleChild.ts)
import { closeSync, openSync, writeSync } from 'node:fs';
import { createEngine, ketamineAnxietyJourney, ManualClock } from '@carejourney/core';
import { SqliteStore } from '../../../store-sqlite/src/index.js';
import { deliveryIdOf, reminderKey, remindersPlugin } from '../../src/index.js';
import { SqliteReminderLog } from '../../src/sqlite.js';
import { testProtocol } from '../helpers/driver.js';
import { actors } from '../helpers/journeyScript.js';
import { CRASH_ZONE, crashFailurePolicy, crashSteps } from '../helpers/crashScenario.js';

interface WorkerConfig {
  readonly dbPath: string;
  readonly logPath: string;
  readonly from: number;
  readonly clockAt: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const fd = openSync(config.logPath, 'a');
const log = (line: Record<string, unknown>) => void writeSync(fd, `${JSON.stringify(line)}\n`);

const clock = new ManualClock(config.clockAt);
// NORMAL: a SIGKILL is a process crash, which WAL with synchronous=NORMAL survives (only a power
// loss could roll back the last commits); it keeps the test fast on disks with slow fsync.
const store = new SqliteStore({ path: config.dbPath, synchronous: 'normal' });
const reminderLog = new SqliteReminderLog({ path: config.dbPath, synchronous: 'normal' });
const reminders = remindersPlugin({
  log: reminderLog,
  deliver: (m) => {
    const outcome = crashFailurePolicy(m);
    log({ t: 'deliver', id: m.deliveryId, kind: m.kind, attempt: m.attempt, at: clock.now(), ok: outcome !== 'throw', late: m.late });
    if (outcome === 'throw') throw Object.assign(new Error('channel down'), { code: 'DOWN' });
  },
});
const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: testProtocol(CRASH_ZONE), plugins: [reminders] });
engine.on('plugin.error', (n) => log({ t: 'plugin-error', hook: n.hook }));

log({ t: 'run', pid: process.pid, from: config.from });
await engine.recover();
process.stdout.write('ready\n');

async function runDue(): Promise<void> {
  log({ t: 'clock', now: clock.now() });
  await engine.runDue();
}

/** Moves the clock to `target`, stopping at every due timer on the way. */
async function advanceTo(target: number): Promise<void> {
  for (;;) {
    const [next] = await store.dueTimers(target, 1);
    if (!next) break;
    if (next.dueAt > clock.now()) clock.advanceTo(next.dueAt);
    await runDue();
  }
  if (target > clock.now()) clock.advanceTo(target);
  await runDue();
}

const steps = crashSteps();
for (let i = config.from; i < steps.length; i++) {
  const step = steps[i]!;
  await advanceTo(Math.max(step.at, clock.now()));
  if (step.kind === 'start') {
    if (!(await store.load(step.journeyId))) {
      await engine.start({
        journeyId: step.journeyId,
        patientRef: step.patientRef,
        actor: actors.coordinator,
        input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },
      });
    }
  } else if (step.kind === 'send') {
    const r = await engine.send(step.journeyId, { type: step.type, ...step.payload } as never, { actor: actors[step.actor], idempotencyKey: step.key });
    if (!r.ok) throw new Error(`step ${i} ${step.type}: ${r.error.code} ${r.error.message}`);
  } else if (step.kind === 'confirm') {
    await reminders.confirm(step.journeyId, deliveryIdOf(step.journeyId, reminderKey(step.rule, step.subject, step.aboutAt)));
  }
  log({ t: 'step', i });
}
log({ t: 'done' });
closeSync(fd);
await store.close();
await reminderLog.close();
process.stdout.write('done\n');
