import fc from 'fast-check';
import { CareJourneyError } from '@carejourney/core';
import { describe, expect, it } from 'vitest';
import { askableItems, CSSRS, defineInstrument, scoreResponse, SHIPPED_INSTRUMENTS, type InstrumentDefinition } from '../src/index.js';

const summed = SHIPPED_INSTRUMENTS.filter((d) => d.scoring.kind === 'sum');

/** Any complete answer set of a summed instrument: one of each item's values. */
const completeAnswers = (def: InstrumentDefinition) =>
  fc.record(Object.fromEntries(def.items.map((item) => [item.linkId, fc.constantFrom(...item.answers.map((a) => a.value))])) as Record<string, fc.Arbitrary<number>>);

/** Refusal issues' paths, or a failure when the answers were accepted. */
function refusedPaths(def: InstrumentDefinition, answers: unknown): string[] {
  try {
    scoreResponse(def, answers);
  } catch (error) {
    if (!(error instanceof CareJourneyError) || error.code !== 'CJ_ERR_INVALID_INPUT') throw error;
    return (error.details.issues ?? []).map((i) => i.path);
  }
  throw new Error(`${def.id}: invalid answers were scored`);
}

describe.each(summed.map((d) => [d.id, d] as const))('%s scoring', (_id, def) => {
  const { min, max } = def.scoring as { min: number; max: number };

  // Prorating needs an item left to impute from: one-item scales (MOAA/S) have no such rule.
  if (def.items.length > 1) it('with a prorating rule, scores any answer set missing up to maxMissing items within range', () => {
    const maxMissing = Math.min(3, def.items.length - 1);
    const variants = (['nearest', 'up', 'down'] as const).map((rounding) =>
      defineInstrument({ ...def, id: `${def.id.slice(0, 27)}-P`, scoring: { ...def.scoring, prorate: { maxMissing, rounding } } as InstrumentDefinition['scoring'] }),
    );
    const dropped = fc.uniqueArray(fc.constantFrom(...def.items.map((i) => i.linkId)), { maxLength: maxMissing });
    fc.assert(
      fc.property(completeAnswers(def), dropped, (answers, missing) => {
        const given = Object.fromEntries(Object.entries(answers).filter(([id]) => !missing.includes(id)));
        const sum = Object.values(given).reduce((a, b) => a + b, 0);
        const [nearest, up, down] = variants.map((v) => scoreResponse(v, given));
        for (const score of [nearest, up, down]) {
          expect(score?.total).toBeGreaterThanOrEqual(min);
          expect(score?.total).toBeLessThanOrEqual(max);
          expect(score?.prorated).toBe(missing.length > 0);
          if (missing.length === 0) expect(score?.total).toBe(sum);
        }
        // The exact mean imputation lies between the rounded down and up totals.
        const exact = (sum * def.items.length) / Object.keys(given).length;
        expect(down?.total).toBe(Math.floor(exact));
        expect(up?.total).toBe(Math.ceil(exact));
        expect(Math.abs((nearest?.total ?? 0) - exact)).toBeLessThanOrEqual(0.5);
      }),
      { numRuns: 100 },
    );
  });

  it('scores any complete valid answer set within range, as the sum of the items, in its band', () => {
    fc.assert(
      fc.property(completeAnswers(def), (answers) => {
        const score = scoreResponse(def, answers);
        const sum = Object.values(answers).reduce((a, b) => a + b, 0);
        expect(score.total).toBe(sum);
        expect(score.total).toBeGreaterThanOrEqual(min);
        expect(score.total).toBeLessThanOrEqual(max);
        const band = def.bands.find((b) => sum >= b.min && sum <= b.max);
        expect(score.band?.code ?? null).toBe(band?.code ?? null);
        for (const s of def.scoring.kind === 'sum' ? def.scoring.subscales : []) {
          expect(score.subscales[s.code]).toBe(s.items.reduce((a, id) => a + (answers[id] ?? 0), 0));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a set with an item missing, out of range or of the wrong type, naming that item', () => {
    const item = fc.constantFrom(...def.items.map((i) => i.linkId));
    const badValue = fc.oneof(
      fc.integer({ min: max + 1, max: 1000 }),
      fc.integer({ min: -1000, max: -1 }),
      fc.double({ noInteger: true, noNaN: true, min: -10, max: 10 }),
      fc.constantFrom('2', true, null, [1], { value: 1 }),
    );
    fc.assert(
      fc.property(completeAnswers(def), item, fc.option(badValue, { nil: undefined }), (answers, linkId, value) => {
        const broken: Record<string, unknown> = { ...answers };
        if (value === undefined) delete broken[linkId];
        else broken[linkId] = value;
        // Values that happen to be valid options are not invalid.
        fc.pre(value === undefined || !def.items.find((i) => i.linkId === linkId)?.answers.some((a) => a.value === value));
        expect(refusedPaths(def, broken)).toEqual([`answers.${linkId}`]);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses answers to items the instrument does not have', () => {
    fc.assert(
      fc.property(
        completeAnswers(def),
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !def.items.some((i) => i.linkId === k) && k !== '__proto__'),
        (answers, key) => {
          expect(refusedPaths(def, { ...answers, [key]: 1 })).toHaveLength(1);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('C-SSRS screener skip logic', () => {
  const ids = CSSRS.items.map((i) => i.linkId);
  /** A form filled in order: each asked item gets the next yes/no from the sequence. */
  const fill = (yesNo: boolean[]) => {
    const answers: Record<string, boolean> = {};
    let k = 0;
    for (;;) {
      const next = askableItems(CSSRS, answers).find((i) => !(i.linkId in answers));
      if (!next) return answers;
      answers[next.linkId] = yesNo[k++ % yesNo.length] ?? false;
    }
  };

  it('never asks questions 3-5 after a no to question 2, whatever else was answered', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }), fc.boolean(), fc.boolean(), (rest, q1, q6) => {
        const answers = { ...fill(rest), '1': q1, '2': false, '6': q6 };
        const asked = askableItems(CSSRS, answers).map((i) => i.linkId);
        expect(asked).not.toContain('3');
        expect(asked).not.toContain('4');
        expect(asked).not.toContain('5');
        // Scoring refuses an answer to any of them after a no to question 2.
        for (const id of ['3', '4', '5']) {
          const extra = { '1': q1, '2': false, [id]: true, '6': false };
          expect(refusedPaths(CSSRS, extra)).toEqual([`answers.${id}`]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('triages every form filled in order as DOMAIN.md says', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }), (yesNo) => {
        const answers = fill(yesNo);
        const yes = (id: string) => answers[id] === true;
        expect(Object.keys(answers).every((id) => ids.includes(id))).toBe(true);
        if (!yes('2')) expect(Object.keys(answers)).toEqual(expect.not.arrayContaining(['3', '4', '5']));
        const expected = yes('4') || yes('5') || yes('6-recent') ? 'high' : yes('3') || yes('6') ? 'moderate' : yes('1') || yes('2') ? 'low' : 'none';
        expect(scoreResponse(CSSRS, answers).risk).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('needs every asked question: questions 3-5 after a yes to question 2, and 6-recent after a yes to 6', () => {
    expect(refusedPaths(CSSRS, { '1': true, '2': true, '6': false })).toEqual(['answers.3', 'answers.4', 'answers.5']);
    expect(refusedPaths(CSSRS, { '1': false, '2': false, '6': true })).toEqual(['answers.6-recent']);
    expect(refusedPaths(CSSRS, { '1': 1, '2': false, '6': false })).toEqual(['answers.1']);
  });
});

describe('hostile answers', () => {
  it('are refused with CJ_ERR_INVALID_INPUT, never a raw error', () => {
    const values = [null, undefined, 42, 'answers', [], [1, 2], new Date(), { __proto__: { '1': 1 } }, Object.create(null), { '1': Number.NaN }, { '1': 10n }];
    for (const def of [SHIPPED_INSTRUMENTS[0] as InstrumentDefinition, CSSRS]) {
      values.forEach((v, i) => expect(refusedPaths(def, v).length, `value ${i}`).toBeGreaterThan(0));
    }
    fc.assert(
      fc.property(fc.anything(), (v) => {
        try {
          scoreResponse(CSSRS, v);
        } catch (error) {
          expect(error).toBeInstanceOf(CareJourneyError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
