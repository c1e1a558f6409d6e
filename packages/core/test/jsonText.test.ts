import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFrozenJson, jsonText } from '../src/index.js';
import { freezeNew } from '../src/store/freezeNew.js';

describe('jsonText', () => {
  it('writes what JSON.stringify writes, for any JSON value frozen and proven, and again after sharing its parts', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }), (a, b) => {
        const first = freezeNew({ a, list: [a, b], nested: { a } });
        expect(jsonText(first)).toBe(JSON.stringify(first));
        // A value sharing the parts of the first: the kept texts must still fit.
        const second = freezeNew({ b, keep: first.nested, list: first.list, again: first });
        expect(jsonText(second)).toBe(JSON.stringify(second));
        expect(jsonText(second)).toBe(JSON.stringify(JSON.parse(JSON.stringify(second))));
      }),
      { numRuns: 300 },
    );
  });

  it('hands values that are not proven exact JSON to JSON.stringify with its rules', () => {
    const inexact = freezeNew({ gone: undefined, zero: -0, when: new Date(0), list: [undefined, () => 1] });
    expect(isFrozenJson(inexact)).toBe(false);
    expect(jsonText(inexact)).toBe(JSON.stringify(inexact));
    const open = { n: 1 };
    expect(jsonText(open)).toBe('{"n":1}');
    open.n = 2;
    expect(jsonText(open)).toBe('{"n":2}');
    expect(jsonText(undefined)).toBeUndefined();
    expect(jsonText('text')).toBe('"text"');
    expect(() => jsonText({ n: 1n })).toThrow(TypeError);
  });

  it('keys that need escaping and keys that look like indices are written in JSON.stringify order', () => {
    const odd = freezeNew({ b: 1, '2': 'two', 'quote"d': [1, { '\u2028': 'x' }], a: { '10': 1, '9': 2 }, '\ud800': 'lone' });
    expect(jsonText(odd)).toBe(JSON.stringify(odd));
  });
});
