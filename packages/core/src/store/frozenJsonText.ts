import { isFrozenJson } from './freezeNew.js';

/**
 * Parts at this depth (a snapshot's context is at 1, its fields at 2) are written by
 * `JSON.stringify` whole; above it the text is put together from theirs.
 */
const WHOLE_AT = 2;

/** The JSON text of frozen exact-JSON parts written whole at {@link WHOLE_AT}, kept while they live. */
const texts = new WeakMap<object, string>();
/** Parts written once: a part is kept the second time it is written, once it outlived an event. */
const writtenOnce = new WeakSet<object>();

/**
 * `JSON.stringify(value)`, character for character. For a value frozen and proven exact JSON
 * ({@link isFrozenJson}: the snapshots of the engine's commits are), the parts one level below
 * the top (a snapshot context's fields: its sessions, its schedule) are written once and their
 * text reused while they are unchanged (from their second writing on), so a store writing a
 * snapshot as text on every commit pays mostly for what the event changed. Only those parts are
 * kept: the snapshot and its context change with every event, and keeping their text would
 * outlive the event for nothing.
 * Any other value goes to `JSON.stringify` as it is, with its rules (toJSON, undefined, errors).
 */
export function frozenJsonText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !isFrozenJson(value)) return JSON.stringify(value);
  return textOf(value, 0);
}

/** The text of a frozen exact-JSON object; every part of it is one too. */
function textOf(value: object, depth: number): string {
  if (depth >= WHOLE_AT) {
    const known = texts.get(value);
    if (known !== undefined) return known;
    const text = JSON.stringify(value);
    // A part that changes with every event (the session under way) is never kept: its text
    // would only survive young collections for nothing. Small parts are kept too: a lookup costs
    // less than a call of JSON.stringify, however short the text.
    if (writtenOnce.has(value)) texts.set(value, text);
    else writtenOnce.add(value);
    return text;
  }
  const part = (item: unknown): string => (typeof item === 'object' && item !== null ? textOf(item, depth + 1) : JSON.stringify(item));
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + part(value[i]);
    return text + ']';
  }
  let text = '{';
  let first = true;
  for (const key of Object.keys(value)) {
    text += (first ? '' : ',') + JSON.stringify(key) + ':' + part((value as Record<string, unknown>)[key]);
    first = false;
  }
  return text + '}';
}
