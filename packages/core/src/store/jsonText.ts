import { isFrozenJson } from './freezeNew.js';

/**
 * Parts this deep (a snapshot's context is at 1, its fields at 2) are written by `JSON.stringify`
 * whole and kept: walking small parts in JavaScript costs more than the native writer.
 */
const NATIVE_FROM = 3;

/** The JSON text of frozen exact-JSON objects, kept while they live. */
const texts = new WeakMap<object, string>();

/**
 * `JSON.stringify(value)`, character for character, that writes a part it wrote before again for
 * free when that part is frozen and proven exact JSON (`isFrozenJson`: the engine's contexts and
 * commits are). A snapshot shares most of its parts with the one before, so a store that writes
 * the snapshot as text on every commit (SqliteStore) pays for what changed. Any other value is
 * handed to `JSON.stringify` as it is, with its rules (toJSON, undefined, errors).
 *
 * @example
 * ```ts
 * const text = jsonText(commit.journey.snapshot); // === JSON.stringify(commit.journey.snapshot)
 * ```
 */
export function jsonText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !isFrozenJson(value)) return JSON.stringify(value);
  return textOf(value, 0);
}

/** The text of a frozen exact-JSON object (so every part of it is one too). */
function textOf(value: object, depth: number): string {
  const known = texts.get(value);
  if (known !== undefined) return known;
  let text: string;
  if (depth >= NATIVE_FROM) {
    // Deep parts: the native writer is faster than looking up each small part.
    text = JSON.stringify(value);
    texts.set(value, text);
    return text;
  }
  if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      text += (i === 0 ? '' : ',') + (typeof item === 'object' && item !== null ? textOf(item, depth + 1) : JSON.stringify(item));
    }
    text += ']';
  } else {
    text = '{';
    let first = true;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      text += (first ? '' : ',') + JSON.stringify(key) + ':' + (typeof item === 'object' && item !== null ? textOf(item, depth + 1) : JSON.stringify(item));
      first = false;
    }
    text += '}';
  }
  texts.set(value, text);
  return text;
}
