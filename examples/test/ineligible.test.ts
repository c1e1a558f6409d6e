import { describe, expect, it } from 'vitest';
import { runIneligible } from '../src/ineligible.js';

describe('ineligible example: a history of psychosis', () => {
  it('classed absolute: the plugin proposes ineligible and refers; only the physician decides, and "eligible" is refused', async () => {
    const { view, context, journal, proposals, refusals, effects } = await runIneligible();
    expect(proposals.map((p) => p.outcome)).toEqual(['ineligible']);
    expect(proposals[0]?.contraindications).toEqual([{ condition: 'psychosis-history', class: 'absolute' }]);
    // The plugin refers (it never decides eligible or ineligible itself).
    const decisions = journal.filter((e) => e.type === 'eligibility.decided');
    expect(decisions.map((e) => [e.actor.role, e.payload['outcome']])).toEqual([
      ['system', 'physician-review'],
      ['physician', 'ineligible'],
    ]);
    // A nurse's "ineligible" and a physician's "eligible" were refused, changing nothing.
    expect(refusals.map((r) => (r.ok ? 'ok' : [r.error.code, r.error.details.guard]))).toEqual([
      ['CJ_ERR_GUARD', 'ineligibleDecidedByPhysician'],
      ['CJ_ERR_GUARD', 'eligibleDecisionAllowed'],
    ]);
    expect(view.stateLabel).toBe('closed');
    expect(view.status).toBe('done');
    expect(context.intake.eligibility).toMatchObject({ outcome: 'ineligible', by: { role: 'physician' } });
    expect(context.outcome?.kind).toBe('closed');
    expect(effects.map((e) => e.type)).toContain('journey.ended');
  });

  it('classed for physician review (the shipped default): the plugin proposes a review, the physician decides ineligible', async () => {
    const { view, proposals, refusals } = await runIneligible({ psychosisHistory: 'physician-review' });
    expect(proposals.map((p) => p.outcome)).toEqual(['physician-review']);
    expect(refusals.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['CJ_ERR_GUARD']);
    expect(view.stateLabel).toBe('closed');
  });
});
