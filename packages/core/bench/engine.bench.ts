// `pnpm bench` for @carejourney/core. Every `ratio` line compares the engine with a baseline run in
// this same process, the two taking turns round after round:
//
//   ratio engine/transition                 the shipped ketamine journey's IV course (intake,
//                                           induction, 100 maintenance sessions; bench/
//                                           test/fixtures/ketamineCourse.ts): engine.send/runDue on MemoryStore
//                                           / the machine calls the engine itself makes (XState's
//                                           machine.transition through pureTransition), on the
//                                           same machine, from the same snapshots, with the same
//                                           events and start input, all captured from the engine
//                                           in an untimed run
//   ratio engine/transition (IV, against the exported transition())
//                                           the same engine time / those calls made through
//                                           xstate's exported transition(), which builds a new
//                                           actor scope on every call
//   ratio engine/transition (esketamine)    the first ratio on the esketamine course
//   ratio session100/session1 (MemoryStore, IV|esketamine)
//                                           µs per event around session 100 / around session 1
//                                           of those courses: the median of the sessions 98-102
//                                           of every round / that of the sessions 1-5 (each
//                                           session's time over its events)
//   ratio memory runDue 100k/10k            one runDue firing 100 due timers among 100k pending /
//                                           among 10k pending (MemoryStore), plugin timers; and
//                                           (machine timers), no-show timers of the journey
//   ratio cold import/xstate+zod            a fresh node importing the built @carejourney/core /
//                                           a fresh node importing xstate and zod alone
//   ratio engine/transition (bench journey) and (flagship replay): the earlier lines, on a small
//                                           session-loop journey and on the flagship example's
//                                           journal replayed, against the exported transition()
//
// The ratios divide CPU time of the process doing the work (process.cpuUsage), except the two
// earlier lines (wall time, best of their runs, as before): on a shared machine other processes
// inflate wall time far more than CPU time. Wall-time figures are printed beside.
//
// Rounds: each course comparison is the median of the ratios of BENCH_ROUNDS rounds (default 5),
// each round timing both sides in turn, after an untimed capture run; the range of the rounds'
// ratios is printed beside it; runDue, the median of 11 rounds after one warm-up round; cold import, the
// median of 7 fresh processes per side after one each to warm the file cache.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  createEngine,
  definePlugin,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type JournalEntry,
  type JourneyStartInput,
  type TimerRow,
} from '../src/index.js';
import { pureTransition } from '../src/engine/pureTransition.js';
import { FLAGSHIP_PROTOCOL, runFlagship } from '../../../examples/src/flagship.js';
import { benchEvents, benchJourney, benchMachine } from './benchJourney.js';
import { COURSE_PROTOCOL, COURSE_START, ESKETAMINE_COURSE, IV_COURSE, median, printPaired, perSessionUs, runCourse, type CourseResult, type CourseSpec } from '../test/fixtures/ketamineCourse.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const benchStart = performance.now();
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (name: string, value: number) => console.log(`ratio ${name}: ${value.toFixed(2)}`);
const machine = ketamineAnxietyJourney.machine;

// ------------------------------------------------------------- the bench journey (earlier lines)

{
  const N = Number(process.env['BENCH_EVENTS'] ?? 5_000);
  const actor = { id: 'n-1', role: 'nurse' } as const;
  const events = benchEvents(N);
  const start = Date.parse('2026-01-05T09:00:00Z');

  const bare = (): number => {
    let [snapshot] = initialTransition(benchMachine, { patientRef: 'p', startedAt: start, actor, data: {}, protocol: null }) as [AnyMachineSnapshot, unknown[]];
    const t0 = performance.now();
    for (let i = 0; i < events.length; i++) {
      [snapshot] = transition(benchMachine, snapshot, { ...events[i]!, at: start + i * 1000, actor } as never) as [AnyMachineSnapshot, unknown[]];
    }
    return performance.now() - t0;
  };
  /** What the engine itself calls: XState's machine.transition with one reused inert actor scope. */
  const bareReused = (): number => {
    const pure = pureTransition(benchMachine);
    let [snapshot] = pure.initial({ patientRef: 'p', startedAt: start, actor, data: {}, protocol: null });
    const t0 = performance.now();
    for (let i = 0; i < events.length; i++) [snapshot] = pure.next(snapshot, { ...events[i]!, at: start + i * 1000, actor });
    return performance.now() - t0;
  };
  const engineRun = async (latencies: number[] | null): Promise<number> => {
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
  };
  const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

  // Warm up both paths, then alternate them and keep each side's best run.
  bare();
  await engineRun(null);
  const runs = 5;
  let bareMs = Number.POSITIVE_INFINITY;
  let reusedMs = Number.POSITIVE_INFINITY;
  let engineMs = Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  for (let round = 0; round < runs; round++) {
    bareMs = Math.min(bareMs, bare());
    reusedMs = Math.min(reusedMs, bareReused());
    engineMs = Math.min(engineMs, await engineRun(round === runs - 1 ? latencies : null));
  }
  latencies.sort((a, b) => a - b);
  const perSec = (ms: number) => fmt((N / ms) * 1000);
  console.log(`bench journey (a small session loop): ${N} events, one journey, MemoryStore, ManualClock; best of ${runs} alternating runs (wall time)`);
  console.log(`xstate transition: ${perSec(bareMs)} events/s`);
  console.log(`engine.send:       ${perSec(engineMs)} events/s`);
  console.log(`(xstate machine.transition with one reused actor scope, as the engine calls it: ${perSec(reusedMs)} events/s)`);
  ratio('engine/transition (bench journey)', engineMs / bareMs);
  console.log(`send latency p50: ${(pct(latencies, 50) * 1000).toFixed(0)} µs, p99: ${(pct(latencies, 99) * 1000).toFixed(0)} µs`);
}

// ------------------------------------------------------- the flagship example replayed (earlier)

{
  // The flagship IV course (its plugins' events included) replayed from its journal: the engine
  // sends each event and fires each timer through runDue; the bare side applies the same events
  // with xstate's transition().
  const { journal } = await runFlagship();
  const [startEntry, ...steps] = journal as [JournalEntry, ...JournalEntry[]];
  const startPayload = startEntry.payload as { patientRef: string; input: unknown };
  const startAt = Date.parse(startEntry.at);
  const machineEvents = steps.map((e) => ({ ...e.payload, type: e.type, at: Date.parse(e.at), actor: e.actor }));
  const REPEAT = 5;
  // The protocol the flagship ran under (its start entry names it by ref).
  const protocol: unknown = FLAGSHIP_PROTOCOL;
  let parsedProtocol: unknown;

  const engineCourse = async (): Promise<{ ms: number; snapshot: unknown }> => {
    let snapshot: unknown;
    let ms = 0;
    for (let r = 0; r < REPEAT; r++) {
      const clock = new ManualClock(startAt);
      const store = new MemoryStore();
      const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: protocol as never });
      const t0 = performance.now();
      const { id } = await engine.start({ patientRef: startPayload.patientRef, input: startPayload.input as never, actor: startEntry.actor as never });
      for (const step of steps) {
        const at = Date.parse(step.at);
        if (at > clock.now()) clock.advanceTo(at);
        if (step.kind === 'timer') {
          await engine.runDue();
        } else {
          const res = await engine.send(id, { ...step.payload, type: step.type } as never, { actor: step.actor as never });
          if (!res.ok) throw new Error(`flagship replay: ${step.type} refused: ${res.error.message}`);
        }
      }
      ms += performance.now() - t0;
      snapshot = (await store.load(id))?.snapshot;
    }
    return { ms, snapshot };
  };
  // The start input the engine gives the machine (its protocol parsed), captured once.
  await captureCalls(async () => {
    const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock: new ManualClock(startAt), protocol: protocol as never });
    await engine.start({ patientRef: startPayload.patientRef, input: startPayload.input as never, actor: startEntry.actor as never });
  }).then(({ input }) => (parsedProtocol = (input as JourneyStartInput).protocol));
  const bareCourse = (): { ms: number; snapshot: unknown } => {
    let last: AnyMachineSnapshot | undefined;
    const t0 = performance.now();
    for (let r = 0; r < REPEAT; r++) {
      const input = { patientRef: startPayload.patientRef, startedAt: startAt, actor: startEntry.actor, data: startPayload.input, protocol: parsedProtocol } as JourneyStartInput as never;
      let [snapshot] = initialTransition(machine, input) as [AnyMachineSnapshot, unknown[]];
      for (const event of machineEvents) [snapshot] = transition(machine, snapshot, event as never) as [AnyMachineSnapshot, unknown[]];
      last = snapshot;
    }
    return { ms: performance.now() - t0, snapshot: last && machine.getPersistedSnapshot(last) };
  };

  await engineCourse();
  bareCourse();
  let courseBare = Number.POSITIVE_INFINITY;
  let courseEngine = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    courseBare = Math.min(courseBare, bareCourse().ms);
    courseEngine = Math.min(courseEngine, (await engineCourse()).ms);
  }
  const courseEvents = steps.length * REPEAT;
  const perSec = (ms: number) => fmt((courseEvents / ms) * 1000);
  console.log('');
  console.log(`flagship example replayed: ${steps.length} events and timers, ${REPEAT} times; best of 3 alternating runs (wall time)`);
  console.log(`xstate transition: ${perSec(courseBare)} events/s`);
  console.log(`engine.send/runDue: ${perSec(courseEngine)} events/s`);
  ratio('engine/transition (flagship replay)', courseEngine / courseBare);
}

// ------------------------------------------------- the shipped journey over a long course

/** One call the engine made to the machine: the snapshot it transitioned from, and the event. */
type Call = readonly [AnyMachineSnapshot, unknown];

/**
 * Runs `run` with the machine's `transition` and `getInitialSnapshot` recording their arguments:
 * every call the engine makes to XState (`pureTransition` calls exactly these two), so the
 * baseline can make the same calls. Restored afterwards.
 */
async function captureCalls(run: () => Promise<unknown>): Promise<{ input: unknown; calls: Call[] }> {
  const m = machine as unknown as Record<'transition' | 'getInitialSnapshot', (...args: unknown[]) => unknown>;
  const own = { transition: Object.getOwnPropertyDescriptor(m, 'transition'), getInitialSnapshot: Object.getOwnPropertyDescriptor(m, 'getInitialSnapshot') };
  const originalTransition = m.transition;
  const originalInitial = m.getInitialSnapshot;
  const calls: Call[] = [];
  const inputs: unknown[] = [];
  m.transition = (snapshot, event, scope) => {
    calls.push([snapshot as AnyMachineSnapshot, event]);
    return originalTransition.call(machine, snapshot, event, scope);
  };
  // Building an actor computes an initial snapshot without input; the engine's start passes one.
  m.getInitialSnapshot = (scope, input) => {
    if (input !== undefined) inputs.push(input);
    return originalInitial.call(machine, scope, input);
  };
  try {
    await run();
  } finally {
    for (const key of ['transition', 'getInitialSnapshot'] as const) {
      const d = own[key];
      if (d) Object.defineProperty(m, key, d);
      else delete (m as Partial<typeof m>)[key];
    }
  }
  if (inputs.length !== 1) throw new Error(`expected one start input, captured ${inputs.length}`);
  return { input: inputs[0], calls };
}

/** The baseline: the engine's own machine calls (pureTransition, as the engine makes them), nothing else. */
function replayCalls(input: unknown, calls: readonly Call[]): { cpuMs: number; wallMs: number; last: AnyMachineSnapshot } {
  const pure = pureTransition(machine);
  const w = performance.now();
  const c = cpuNow();
  let [last] = pure.initial(input);
  for (const [snapshot, event] of calls) [last] = pure.next(snapshot, event);
  const cpuMs = cpuNow() - c;
  return { cpuMs, wallMs: performance.now() - w, last };
}

/** The same calls through xstate's exported transition(), a new actor scope each time. */
function replayExported(input: unknown, calls: readonly Call[]): number {
  const c = cpuNow();
  initialTransition(machine, input as never);
  for (const [snapshot, event] of calls) transition(machine, snapshot as never, event as never);
  return cpuNow() - c;
}

const memoryCourse = async (spec: CourseSpec): Promise<CourseResult> => {
  const clock = new ManualClock(COURSE_START);
  const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock, protocol: COURSE_PROTOCOL });
  return runCourse(engine, clock, spec);
};

for (const spec of [IV_COURSE, ESKETAMINE_COURSE]) {
  // An untimed run that captures the engine's machine calls (and warms the code up).
  let captured: CourseResult | undefined;
  const { input, calls } = await captureCalls(async () => {
    captured = await memoryCourse(spec);
  });
  const applied = captured!.totals.events;
  if (calls.length !== applied - 1) throw new Error(`${spec.name} course: ${applied - 1} events applied after the start, ${calls.length} machine transitions captured`);
  const engineCpu: number[] = [];
  const engineWall: number[] = [];
  const baseCpu: number[] = [];
  const baseWall: number[] = [];
  const exportedCpu: number[] = [];
  const early: number[] = [];
  const late: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = replayCalls(input, calls);
    baseCpu.push(base.cpuMs);
    baseWall.push(base.wallMs);
    if (spec === IV_COURSE) exportedCpu.push(replayExported(input, calls));
    const run = await memoryCourse(spec);
    engineCpu.push(run.totals.cpuMs);
    engineWall.push(run.totals.wallMs);
    early.push(...perSessionUs(run, 1, 5, 'cpuMs'));
    late.push(...perSessionUs(run, 98, 102, 'cpuMs'));
  }
  const sessions = captured!.sessions.length - 1;
  const us = (ms: number) => ((ms * 1000) / applied).toFixed(0);
  console.log('');
  console.log(
    `shipped journey, ${spec.name} course: referral, intake, ${sessions} sessions (induction and ${spec.maintenanceSessions} maintenance), ${fmt(applied)} events and timers; MemoryStore; ratios: medians of ${ROUNDS} alternating rounds`,
  );
  console.log(`engine.send/runDue: ${us(median(engineCpu))} µs CPU per event (${us(median(engineWall))} µs wall)`);
  console.log(`the engine's own machine calls from the same snapshots (xstate machine.transition, one reused scope): ${us(median(baseCpu))} µs CPU per event (${us(median(baseWall))} µs wall)`);
  printPaired(spec === IV_COURSE ? 'engine/transition' : `engine/transition (${spec.name})`, engineCpu, baseCpu);
  if (spec === IV_COURSE) {
    console.log(`the same calls through xstate's exported transition(), which builds a new actor scope per call: ${us(median(exportedCpu))} µs CPU per event`);
    printPaired('engine/transition (IV, against the exported transition())', engineCpu, exportedCpu);
  }
  console.log(`µs CPU per event, sessions 1-5: ${median(early).toFixed(0)}; sessions 98-102: ${median(late).toFixed(0)} (medians over the sessions of ${ROUNDS} rounds)`);
  ratio(`session100/session1 (MemoryStore, ${spec.name})`, median(late) / median(early));
}

// ------------------------------------------------------------ MemoryStore runDue, many pending

{
  // Stores with 10k and with 100k timers pending, each holding the same 1,200 ketamine journeys
  // (copies of one brought through intake, first session booked) with a timer due now: a
  // reminder of the bench plugin (an outbox item to the plugin, the commonest kind of timer),
  // and in a second pair of stores their machine no-show timer (a transition of the journey).
  // The rest are other patients' reminders, pending for months, on small journeys of their own
  // (never loaded). Each runDue fires 100; round 0 warms up, rounds 1-11 are measured, the sizes
  // taking turns, each going first in every other round.
  const RUNDUE_ROUNDS = 11;
  const DUE = 100 * (RUNDUE_ROUNDS + 1);
  const FILLER_PER_JOURNEY = 10;
  const plugin = () => definePlugin({ name: 'bench-reminders', setup: (api) => api.hooks.onTimer(() => undefined) });
  const clock = new ManualClock(COURSE_START);
  const template = new MemoryStore();
  const templateEngine = createEngine({ definition: ketamineAnxietyJourney, store: template, clock, protocol: COURSE_PROTOCOL });
  const { journeyId } = await runCourse(templateEngine, clock, IV_COURSE, { untilSession: 0 });
  const record = (await template.load(journeyId))!;
  const [entry] = await template.readJournal(journeyId, { limit: 1 });
  const timers = await template.listTimers(journeyId);
  const noShow = timers.find((t) => t.key === 'machine:session-no-show');
  if (!noShow) throw new Error('the booked journey has no no-show timer');
  const dueAt = noShow.dueAt;
  const later = dueAt + 90 * 24 * 3_600_000;

  const build = async (pending: number, kind: 'plugin' | 'machine') => {
    const store = new MemoryStore();
    let count = 0;
    for (let i = 0; i < DUE; i++) {
      const id = `due-${i}`;
      const rows: TimerRow[] = timers.map((t) => ({ ...t, journeyId: id, ...(kind === 'plugin' && t.key === noShow.key ? { dueAt: later } : {}) }));
      if (kind === 'plugin') rows.push({ journeyId: id, key: 'plugin:bench-reminders:session-1-2h', owner: 'bench-reminders', dueAt, payload: { session: 1 } });
      count += rows.length;
      await store.commit({ journey: { ...record, id, patientRef: `pt-${i}`, version: 1 }, expectedVersion: 0, entry: { ...entry!, journeyId: id }, timersToSet: rows, timersToCancel: [], outbox: [] });
    }
    const small = { ...record, snapshot: { status: 'active', value: 'referral', context: {} } };
    for (let j = 0; count < pending; j++) {
      const id = `other-${j}`;
      const rows: TimerRow[] = [];
      for (let k = 0; k < FILLER_PER_JOURNEY && count < pending; k++, count++) {
        rows.push({ journeyId: id, key: `plugin:bench-reminders:s${k}-24h`, owner: 'bench-reminders', dueAt: later + j * 60_000 + k, payload: { session: k } });
      }
      await store.commit({ journey: { ...small, id, patientRef: `pt-other-${j}`, version: 1 }, expectedVersion: 0, entry: { ...entry!, journeyId: id }, timersToSet: rows, timersToCancel: [], outbox: [] });
    }
    const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock: new ManualClock(dueAt), protocol: COURSE_PROTOCOL, plugins: [plugin()] });
    return { pending, engine };
  };
  const sizes = [10_000, 100_000];
  for (const kind of ['plugin', 'machine'] as const) {
    const setups = [];
    for (const n of sizes) setups.push(await build(n, kind));
    const cpu = new Map<number, number[]>(sizes.map((n) => [n, []]));
    const wall = new Map<number, number[]>(sizes.map((n) => [n, []]));
    for (let round = 0; round <= RUNDUE_ROUNDS; round++) {
      for (const s of round % 2 === 0 ? setups : [...setups].reverse()) {
        const w = performance.now();
        const c = cpuNow();
        const fired = await s.engine.runDue({ limit: 100 });
        const cpuMs = cpuNow() - c;
        const wallMs = performance.now() - w;
        if (fired.length !== 100 || fired.some((f) => f.error || f.skipped)) throw new Error(`runDue with ${s.pending} pending (${kind} timers), round ${round}: fired ${fired.length}`);
        if (round === 0) continue;
        cpu.get(s.pending)!.push(cpuMs);
        wall.get(s.pending)!.push(wallMs);
      }
    }
    const label = kind === 'plugin' ? 'plugin reminders' : 'machine no-show timers';
    console.log('');
    for (const n of sizes) {
      console.log(`MemoryStore runDue firing 100 due ${label} among ${fmt(n)} pending: ${median(cpu.get(n)!).toFixed(1)} ms CPU, ${median(wall.get(n)!).toFixed(1)} ms wall (medians of ${RUNDUE_ROUNDS})`);
    }
    ratio(kind === 'plugin' ? 'memory runDue 100k/10k' : 'memory runDue 100k/10k (machine timers)', median(cpu.get(100_000)!) / median(cpu.get(10_000)!));
  }
}

// ------------------------------------------------------------------------------ cold import

{
  // The package as built (its tsup config, ESM only, no declarations) into a directory under the
  // package's node_modules, so its bare imports resolve to the package's own dependencies and
  // nothing lands among its files. Each side is a fresh
  // node process, the two taking turns; the child times its import (CPU and wall), so node's own
  // start-up is left out of both.
  const COLD_ROUNDS = 7;
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  mkdirSync(join(packageDir, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(join(packageDir, 'node_modules', '.cache', 'carejourney-cold-import-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    const { build } = await import('tsup');
    const config = (await import('../tsup.config.js')).default as { external?: string[] };
    // The package's dependencies stay imports, as in the published build, from whatever directory the bench runs in.
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    const external = [...(config.external ?? []), ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
    await build({ ...config, entry: { index: join(packageDir, 'src', 'index.ts') }, external, format: ['esm'], outDir: dir, dts: false, sourcemap: false, clean: false, silent: true, config: false } as never);
    writeFileSync(join(dir, 'xstate-zod.js'), "import 'xstate';\nimport 'zod';\n");
    const child = (file: string) => {
      const script = `const c0 = process.cpuUsage(); const w0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const c = process.cpuUsage(c0); console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000, wall: performance.now() - w0 }));`;
      const env = { ...process.env };
      delete env['NODE_OPTIONS'];
      delete env['NODE_COMPILE_CACHE'];
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, env, encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').pop()!) as { cpu: number; wall: number };
    };
    const core: { cpu: number; wall: number }[] = [];
    const base: { cpu: number; wall: number }[] = [];
    child(join(dir, 'index.js'));
    child(join(dir, 'xstate-zod.js'));
    for (let i = 0; i < COLD_ROUNDS; i++) {
      core.push(child(join(dir, 'index.js')));
      base.push(child(join(dir, 'xstate-zod.js')));
    }
    const m = (xs: { cpu: number; wall: number }[], k: 'cpu' | 'wall') => median(xs.map((x) => x[k]));
    console.log('');
    console.log(`cold import of the built @carejourney/core: ${m(core, 'cpu').toFixed(1)} ms CPU, ${m(core, 'wall').toFixed(1)} ms wall; xstate + zod alone: ${m(base, 'cpu').toFixed(1)} ms CPU, ${m(base, 'wall').toFixed(1)} ms wall (fresh node processes, medians of ${COLD_ROUNDS})`);
    ratio('cold import/xstate+zod', m(core, 'cpu') / m(base, 'cpu'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`bench time: ${((performance.now() - benchStart) / 1000).toFixed(1)} s`);
