// flattenState remembers the label of each distinct state value; a remembered label must be the
// one worked out afresh, for every shape a state value can take.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateValue } from 'xstate';
import { flattenState } from '../src/engine/flattenState.js';

/** The label by its definition: dotted leaf paths, parallel regions joined by `|`. */
function reference(value: StateValue): string {
  if (typeof value === 'string') return value;
  const leaves: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    for (const leaf of reference(child as StateValue).split('|')) leaves.push(leaf ? `${key}.${leaf}` : key);
  }
  return leaves.join('|');
}

const name = fc.constantFrom('care', 'intake', 'course', 'therapy', 'a', 'b', '1', '0', 'x.y', '');
const stateValue: fc.Arbitrary<StateValue> = fc.letrec<{ value: StateValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, name, fc.dictionary(name, tie('value'), { maxKeys: 3 })),
})).value;

describe('flattenState', () => {
  it('gives the label of its definition, the first time and every time after, for fresh value objects', () => {
    fc.assert(
      fc.property(stateValue, (value) => {
        const expected = reference(value);
        expect(flattenState(value)).toBe(expected);
        expect(flattenState(structuredClone(value))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('tells apart values that differ only in where a leaf sits', () => {
    expect(flattenState({ care: { course: 'induction' } })).toBe('care.course.induction');
    expect(flattenState({ care: 'course', induction: {} })).toBe('care.course|induction');
    expect(flattenState({ care: { course: 'induction', therapy: 'active' } })).toBe('care.course.induction|care.therapy.active');
  });
});
