import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byCodePoint } from '../src/index.js';

const sign = (n: number) => Math.sign(n);

describe('byCodePoint', () => {
  it('orders well-formed text as Buffer.compare orders its UTF-8', () => {
    // Full Unicode, so surrogate pairs meet characters from U+E000 to U+FFFF.
    const text = fc.string({ unit: 'binary', maxLength: 8 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(byCodePoint(a, b))).toBe(sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
        expect(sign(byCodePoint(b, a)) + sign(byCodePoint(a, b))).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts U+FF01 before U+1F600, which JavaScript\'s < does not; and agrees with < on ASCII', () => {
    expect(['\u{1F600}', '\uFF01', 'a'].sort(byCodePoint)).toEqual(['a', '\uFF01', '\u{1F600}']);
    expect('\u{1F600}' < '\uFF01').toBe(true);
    expect(['b', 'a-2', 'a', 'A', 'a-10'].sort(byCodePoint)).toEqual(['b', 'a-2', 'a', 'A', 'a-10'].sort());
  });
});
