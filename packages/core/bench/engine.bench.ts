// `pnpm bench`: engine.send over MemoryStore against XState's bare pure `transition` on the same
// machine and event stream, in one process. Prints events/s, the ratio, and send latency.
import { performance } from 'node:perf_hooks';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type JournalEntry, type JourneyStartInput } from '../src/index.js';
import { pureTransition } from '../src/engine/pureTransition.js';
import { runFlagship } from '../../../examples/src/flagship.js';
import { benchEvents, benchJourney, benchMachine } from './benchJourney.js';

const N = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const actor = { id: 'n-1', role: 'nurse' } as const;
const events = benchEvents(N);
const start = Date.parse('2026-01-05T09:00:00Z');

function bare(): number {
  let [snapshot] = initialTransition(benchMachine, { patientRef: 'p', startedAt: start, actor, data: {}, protocol: null }) as [AnyMachineSnapshot, unknown[]];
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) {
    [snapshot] = transition(benchMachine, snapshot, { ...events[i]!, at: start + i * 1000, actor } as never) as [AnyMachineSnapshot, unknown[]];
  }
  return performance.now() - t0;
}

/** What the engine itself calls: XState's machine.transition with one reused inert actor scope. */
function bareReused(): number {
  const pure = pureTransition(benchMachine);
  let [snapshot] = pure.initial({ patientRef: 'p', startedAt: start, actor, data: {}, protocol: null });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) [snapshot] = pure.next(snapshot, { ...events[i]!, at: start + i * 1000, actor });
  return performance.now() - t0;
}

async function engineRun(latencies: number[] | null): Promise<number> {
  const clock = new ManualClock(start);
  const engine = createEngine({ definition: benchJourney, store: new MemoryStore(), clock });
  const { id } = await engine.start({ patientRef: 'p', input: {}, actor });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) {
    clock.advance(1000);
    const s = latencies ? performance.now() : 0;
    const r = await engine.send(id, events[i] as never, { actor });
    if (latencies) latencies.push(performance.now() - s);
    if (!r.ok) throw new Error(`bench event ${i} refused: ${r.error.message}`);
  }
  return performance.now() - t0;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// Warm up both paths so the JIT has settled, then alternate them and keep each side's best run,
// so a pause of the machine during one run does not decide the ratio.
bare();
await engineRun(null);

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
let bareMs = Number.POSITIVE_INFINITY;
let reusedMs = Number.POSITIVE_INFINITY;
let engineMs = Number.POSITIVE_INFINITY;
const latencies: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bareMs = Math.min(bareMs, bare());
  reusedMs = Math.min(reusedMs, bareReused());
  engineMs = Math.min(engineMs, await engineRun(round === ROUNDS - 1 ? latencies : null));
}
latencies.sort((a, b) => a - b);

const perSec = (ms: number, n = N) => Math.round((n / ms) * 1000);
console.log(`events: ${N} (one journey, MemoryStore, ManualClock; best of ${ROUNDS} alternating runs)`);
console.log(`xstate transition: ${perSec(bareMs).toLocaleString('en-US')} events/s`);
console.log(`engine.send:       ${perSec(engineMs).toLocaleString('en-US')} events/s`);
console.log(`(xstate machine.transition with one reused actor scope, as the engine calls it: ${perSec(reusedMs).toLocaleString('en-US')} events/s)`);
console.log(`ratio engine/transition: ${(engineMs / bareMs).toFixed(2)}`);
console.log(`send latency p50: ${(pct(latencies, 50) * 1000).toFixed(0)} µs, p99: ${(pct(latencies, 99) * 1000).toFixed(0)} µs`);

// The same comparison on the product's own machine: the flagship IV course (referral to
// maintenance, parallel therapy region, durable timers) replayed from its journal. The engine
// side sends each event and fires each timer through runDue; the bare side applies the same
// events with `transition`.
const { journal } = await runFlagship();
const [startEntry, ...steps] = journal as [JournalEntry, ...JournalEntry[]];
const startPayload = startEntry.payload as { patientRef: string; input: unknown; protocol: unknown };
const startAt = Date.parse(startEntry.at);
const machineEvents = steps.map((e) => ({ ...e.payload, type: e.type, at: Date.parse(e.at), actor: e.actor }));
const REPEAT = 40;

function bareCourse(): { ms: number; snapshot: unknown } {
  let last: AnyMachineSnapshot | undefined;
  const t0 = performance.now();
  for (let r = 0; r < REPEAT; r++) {
    const input = { patientRef: startPayload.patientRef, startedAt: startAt, actor: startEntry.actor, data: startPayload.input, protocol: startPayload.protocol } as JourneyStartInput as never;
    let [snapshot] = initialTransition(ketamineAnxietyJourney.machine, input) as [AnyMachineSnapshot, unknown[]];
    for (const event of machineEvents) [snapshot] = transition(ketamineAnxietyJourney.machine, snapshot, event as never) as [AnyMachineSnapshot, unknown[]];
    last = snapshot;
  }
  const ms = performance.now() - t0;
  return { ms, snapshot: last && ketamineAnxietyJourney.machine.getPersistedSnapshot(last) };
}

async function engineCourse(): Promise<{ ms: number; snapshot: unknown }> {
  let snapshot: unknown;
  let ms = 0;
  for (let r = 0; r < REPEAT; r++) {
    const clock = new ManualClock(startAt);
    const store = new MemoryStore();
    const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: startPayload.protocol as never });
    const t0 = performance.now();
    const { id } = await engine.start({ patientRef: startPayload.patientRef, input: startPayload.input as never, actor: startEntry.actor as never });
    for (const step of steps) {
      const at = Date.parse(step.at);
      if (at > clock.now()) clock.advanceTo(at);
      if (step.kind === 'timer') {
        await engine.runDue();
      } else {
        const r = await engine.send(id, { ...step.payload, type: step.type } as never, { actor: step.actor as never });
        if (!r.ok) throw new Error(`flagship replay: ${step.type} refused: ${r.error.message}`);
      }
    }
    ms += performance.now() - t0;
    snapshot = (await store.load(id))?.snapshot;
  }
  return { ms, snapshot };
}

await engineCourse();
bareCourse();
let courseBare = Number.POSITIVE_INFINITY;
let courseEngine = Number.POSITIVE_INFINITY;
let same = true;
for (let round = 0; round < 3; round++) {
  const b = bareCourse();
  const e = await engineCourse();
  courseBare = Math.min(courseBare, b.ms);
  courseEngine = Math.min(courseEngine, e.ms);
  same &&= JSON.stringify(b.snapshot) === JSON.stringify(e.snapshot);
}
const courseEvents = steps.length * REPEAT;
console.log('');
console.log(`ketamine-anxiety journey: the flagship IV course, ${steps.length} events and timers, replayed ${REPEAT} times`);
console.log(`xstate transition: ${perSec(courseBare, courseEvents).toLocaleString('en-US')} events/s`);
console.log(`engine.send/runDue: ${perSec(courseEngine, courseEvents).toLocaleString('en-US')} events/s`);
console.log(`ratio engine/transition (ketamine journey): ${(courseEngine / courseBare).toFixed(2)}`);
if (!same) console.log('warning: the engine and bare replays ended in different snapshots');
