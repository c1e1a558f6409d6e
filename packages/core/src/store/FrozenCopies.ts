import { freezeExactJson, freezeNew, isFrozenJson } from './freezeNew.js';

/** Deeper than this, the direct copy hands over to JSON (which also reports a cycle). */
const MAX_DEPTH = 256;

/** Thrown inside the direct copy when a value needs JSON's own rules (toJSON, a Date, a cycle...). */
const UNUSUAL = Symbol('unusual');

/** What JSON leaves out of an object and writes as null in an array. */
const skipped = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * Deep copies of JSON values, frozen, that share what does not change. A copy is what
 * `JSON.parse(JSON.stringify(value))` gives, frozen all through, so whoever holds it can read it
 * but never change it. Copying again costs only what is new: a value this object made is its own
 * copy, and a deep-frozen value it copied before (which cannot have changed since) has the same
 * copy. A store copies every commit in this way and hands out what it holds without copying it out.
 *
 * @example
 * ```ts
 * const copies = new FrozenCopies();
 * const stored = copies.copy(commit.journey); // frozen; the caller's later edits do not reach it
 * copies.copy({ ...stored, version: 2 }).snapshot === stored.snapshot; // true: unchanged parts are shared
 * ```
 */
export class FrozenCopies {
  /**
   * Deep-frozen values it was given that are not exact JSON as they are, and their copies. Its
   * own copies, and values frozen and proven exact JSON (`isFrozenJson`: the engine's contexts
   * and commits), are their own copies and need no entry.
   */
  readonly #copyOf = new WeakMap<object, object>();
  /** Set by `#copy`: whether the value it just copied is frozen all through and known (or a primitive). */
  #settled = true;

  /**
   * An empty set of copies: one per store, kept as long as the store, so that later copies share
   * what earlier ones made.
   *
   * @example
   * ```ts
   * const copies = new FrozenCopies();
   * ```
   */
  constructor() {}

  /**
   * A frozen copy of a JSON value, by JSON's rules; throws what JSON throws. A value frozen and
   * proven exact JSON (`isFrozenJson`) is its own copy.
   *
   * @example
   * ```ts
   * const stored = copies.copy({ n: 1, gone: undefined }); // { n: 1 }, frozen
   * copies.copy(stored) === stored; // true
   * ```
   */
  copy<T>(value: T): T {
    if (value === undefined) return value;
    try {
      return this.#copy(value, 0) as T;
    } catch {
      // Something unusual, or a getter or proxy trap that threw: JSON reads the value again and
      // copies it by its own rules or throws its own error.
      const copied: unknown = JSON.parse(JSON.stringify(value));
      freezeNew(copied);
      return copied as T;
    }
  }

  #copy(value: unknown, depth: number): unknown {
    this.#settled = true;
    if (value === null) return null;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        // JSON writes -0 as 0 and a non-finite number as null.
        return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
      case 'object':
        break;
      default:
        // A bigint (JSON throws); undefined, functions and symbols are handled by their holder.
        throw UNUSUAL;
    }
    // A frozen value whose parts are all settled is frozen all through: its copy can be reused.
    // Only frozen values can be known (what this object makes is frozen).
    if (isFrozenJson(value)) return value;
    let settled = Object.isFrozen(value);
    if (settled) {
      const known = this.#copyOf.get(value);
      if (known) return known;
    }
    if (depth > MAX_DEPTH) throw UNUSUAL;
    let out: unknown[] | Record<string, unknown>;
    if (Array.isArray(value)) {
      const items: unknown[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (skipped(item)) items[i] = null;
        else {
          items[i] = this.#copy(item, depth + 1);
          if (!this.#settled) settled = false;
        }
      }
      out = items;
    } else {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw UNUSUAL;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw UNUSUAL;
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        // An own `__proto__` key would set the copy's prototype: JSON.parse makes it a plain key.
        if (key === '__proto__') throw UNUSUAL;
        const item = (value as Record<string, unknown>)[key];
        // A part JSON leaves out changes nothing that could make the copy differ later.
        if (skipped(item)) continue;
        fields[key] = this.#copy(item, depth + 1);
        if (!this.#settled) settled = false;
      }
      out = fields;
    }
    freezeExactJson(out);
    if (settled) this.#copyOf.set(value, out);
    this.#settled = settled;
    return out;
  }
}
