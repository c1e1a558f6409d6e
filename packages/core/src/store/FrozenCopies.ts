import { freezeNew } from './freezeNew.js';

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
  /** The values this object made: frozen all through. */
  readonly #made = new WeakSet<object>();
  /** Deep-frozen values it was given, and their copies. */
  readonly #copyOf = new WeakMap<object, object>();

  /** A frozen copy of a JSON value, by JSON's rules; throws what JSON throws. */
  copy<T>(value: T): T {
    if (value === undefined) return value;
    try {
      return this.#copy(value, 0) as T;
    } catch {
      // Something unusual, or a getter or proxy trap that threw: JSON reads the value again and
      // copies it by its own rules or throws its own error.
      const copied: unknown = JSON.parse(JSON.stringify(value));
      freezeNew(copied);
      if (copied !== null && typeof copied === 'object') this.#made.add(copied);
      return copied as T;
    }
  }

  /** True when `value` needs no copy: a primitive, or frozen all through and known to this object. */
  #settled(value: unknown): boolean {
    return value === null || typeof value !== 'object' || this.#made.has(value) || this.#copyOf.has(value);
  }

  #copy(value: unknown, depth: number): unknown {
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
    let settled = Object.isFrozen(value);
    if (settled) {
      if (this.#made.has(value)) return value;
      const known = this.#copyOf.get(value);
      if (known) return known;
    }
    if (depth > MAX_DEPTH) throw UNUSUAL;
    let out: unknown[] | Record<string, unknown>;
    if (Array.isArray(value)) {
      const items: unknown[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        items[i] = skipped(item) ? null : this.#copy(item, depth + 1);
        if (settled && !this.#settled(item)) settled = false;
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
        if (!skipped(item)) fields[key] = this.#copy(item, depth + 1);
        if (settled && !this.#settled(item)) settled = false;
      }
      out = fields;
    }
    Object.freeze(out);
    this.#made.add(out);
    if (settled) this.#copyOf.set(value, out);
    return out;
  }
}
