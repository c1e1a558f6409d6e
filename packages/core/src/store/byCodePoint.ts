/**
 * Orders text by code point, which is the byte order of its UTF-8 (how SQLite's binary collation
 * and PostgreSQL's "C" collation sort keys and ids). JavaScript's `<` compares UTF-16 code units
 * instead, which puts a character above U+FFFF (a surrogate pair, e.g. an emoji) before one from
 * U+E000 to U+FFFF; both agree on everything else, ASCII included. Every store orders timers and
 * journeys this way, and so does the engine where it orders them itself.
 *
 * @example
 * ```ts
 * ['😀', '！', 'a'].sort(byCodePoint); // ['a', '！', '😀'], as Buffer.compare of their UTF-8
 * ```
 */
export function byCodePoint(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Moves surrogates above U+E000-U+FFFF (ICU's code point order fix-up): then code units
      // compare as code points do.
      return fixup(x) - fixup(y);
    }
  }
  return a.length - b.length;
}

const fixup = (unit: number): number => (unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800);
