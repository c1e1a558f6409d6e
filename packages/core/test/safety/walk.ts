// One random walk over a journey, and the fast-check property that runs many of them.
import fc from 'fast-check';
import type { KetamineRoute } from '../../src/index.js';
import { randomSafetyModel } from './randomSafetyModel.js';
import { GenRand, type Rand } from './rand.js';
import { nextStep } from './scenario.js';
import { World } from './world.js';

/** Deterministic by default; SAFETY_SEED and SAFETY_RUNS change the seed and the number of walks. */
export const SEED = Number(process.env['SAFETY_SEED'] ?? 20_270_314);
export const RUNS_SCALE = Number(process.env['SAFETY_RUNS_SCALE'] ?? 1);
export const MAX_STEPS = Number(process.env['SAFETY_MAX_STEPS'] ?? 260);

export interface WalkOptions {
  readonly route: KetamineRoute;
  readonly mode?: 'throw' | 'collect';
}

/** Runs one walk on a protocol drawn for it; in `throw` mode the first invariant violation throws with the walk's log. */
export async function walk(r: Rand, options: WalkOptions): Promise<World> {
  const w = await World.create({
    route: options.route,
    mode: options.mode ?? 'throw',
    model: randomSafetyModel(r),
    source: r.chance(0.15) ? 'self' : 'professional',
    indication: r.chance(0.15) ? 'social-anxiety' : 'generalized-anxiety',
  });
  const length = r.int(20, MAX_STEPS);
  let afterEnd = 0;
  for (let i = 0; i < length; i++) {
    if (w.view.status !== 'active' && ++afterEnd > 6) break;
    const step = nextStep(w, r);
    if (step.kind === 'advance') await w.advance(step.ms, step.note);
    else if (step.kind === 'resend') await w.resend(step.key, step.variant);
    else if (step.kind === 'pair') await w.sendPair(step.first, step.second);
    else {
      const key = r.chance(0.15) ? `k-${i}` : undefined;
      await w.send(step.type, step.payload, step.actor, {
        ...(key === undefined ? {} : { key }),
        ...(step.wellFormed === undefined ? {} : { wellFormed: step.wellFormed }),
        ...(step.note === undefined ? {} : { note: step.note }),
      });
    }
  }
  return w;
}

/** What the walks reached: state labels (clinical region) and accepted event types. */
export interface Coverage {
  readonly states: Map<string, number>;
  readonly events: Map<string, number>;
  walks: number;
  steps: number;
}

/** Runs `numRuns` walks on a route under fast-check, with a fixed seed; returns what they reached. */
export async function assertWalks(route: KetamineRoute, numRuns: number): Promise<Coverage> {
  const coverage: Coverage = { states: new Map(), events: new Map(), walks: 0, steps: 0 };
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  await fc.assert(
    fc.asyncProperty(fc.gen(), async (g) => {
      const w = await walk(new GenRand(g), { route });
      coverage.walks++;
      coverage.steps += w.log.length;
      for (const e of w.journal) {
        count(coverage.states, e.to.split('|')[0] ?? e.to);
        count(coverage.events, e.type);
      }
    }),
    {
      seed: SEED,
      numRuns: Math.max(1, Math.round(numRuns * RUNS_SCALE)),
      // Shrinking replays whole walks (minutes): on with SAFETY_SHRINK=1 for a minimal reproduction.
      endOnFailure: process.env['SAFETY_SHRINK'] !== '1',
    },
  );
  return coverage;
}
