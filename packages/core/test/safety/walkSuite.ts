// The random-walk suite of one route: walks under fast-check, each on a clinic protocol drawn at
// random within valid bounds (randomSafetyModel.ts), then a check that they went deep (a suite that
// only ever reached intake would pass for the wrong reason). S8 (the protocol) is checked in
// directed.test.ts; every other invariant after every step of every walk.
// Deterministic: SAFETY_SEED changes the seed, SAFETY_RUNS_SCALE multiplies the walks (e.g. 10
// for a long local run), SAFETY_MAX_STEPS the longest walk, SAFETY_SHRINK=1 shrinks a failure.
import { describe, expect, it } from 'vitest';
import type { KetamineRoute } from '../../src/index.js';
import { assertWalks, RUNS_SCALE, SEED } from './walk.js';

/** States (clinical region) every route's walks must reach, and the events they must apply. */
const MUST_REACH = [
  'care.clinical.treatment.course.induction.session.preDose',
  'care.clinical.treatment.course.induction.session.dosed.readyForDischarge',
  'care.clinical.treatment.course.responseReview.clinicianDecision',
  'care.clinical.treatment.course.maintenance.session.dosed.readyForDischarge',
  'care.clinical.treatment.onHold',
];
const MUST_APPLY = ['dose.recorded', 'session.discharged', 'session.observationElapsed', 'session.noShow', 'hold.reviewed', 'response.decided'];

export function describeWalks(route: KetamineRoute, runs: number): void {
  describe(`random walks over the ${route} route (seed ${SEED})`, () => {
    it(`S1-S7 and S9-S12 hold after every event of ${Math.max(1, Math.round(runs * RUNS_SCALE))} walks, accepted or refused`, async () => {
      const coverage = await assertWalks(route, runs);
      const reached = [...coverage.states.keys()];
      for (const state of MUST_REACH) expect(reached, `walks reached ${state}`).toContain(state);
      for (const type of MUST_APPLY) expect(coverage.events.get(type) ?? 0, `walks applied ${type}`).toBeGreaterThan(0);
      expect(reached.some((s) => /^(completed|discontinued|closed)/.test(s)), 'walks reached an ending').toBe(true);
    }, 240_000);
  });
}
