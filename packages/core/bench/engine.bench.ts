// `pnpm bench`: engine.send over MemoryStore against XState's bare pure `transition` on the same
// machine and event stream, in one process. Prints events/s, the ratio, and send latency.
import { performance } from 'node:perf_hooks';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { createEngine, ManualClock, MemoryStore } from '../src/index.js';
import { benchEvents, benchJourney, benchMachine } from './benchJourney.js';

const N = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const actor = { id: 'n-1', role: 'nurse' };
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

// Warm up both paths so the JIT has settled before measuring.
bare();
await engineRun(null);

const bareMs = Math.min(bare(), bare(), bare());
const latencies: number[] = [];
const engineMs = Math.min(await engineRun(null), await engineRun(latencies));
latencies.sort((a, b) => a - b);

const perSec = (ms: number) => Math.round((N / ms) * 1000);
console.log(`events: ${N} (one journey, MemoryStore, ManualClock)`);
console.log(`xstate transition: ${perSec(bareMs).toLocaleString('en-US')} events/s`);
console.log(`engine.send:       ${perSec(engineMs).toLocaleString('en-US')} events/s`);
console.log(`ratio engine/transition: ${(engineMs / bareMs).toFixed(2)}`);
console.log(`send latency p50: ${(pct(latencies, 50) * 1000).toFixed(0)} µs, p99: ${(pct(latencies, 99) * 1000).toFixed(0)} µs`);
