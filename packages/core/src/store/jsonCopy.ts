/** Thrown inside the fast path when a value needs JSON's own rules (toJSON, a Date, a cycle...). */
const UNUSUAL = Symbol('unusual');
/** Deeper than this, the fast path hands over to JSON (which also reports a cycle). */
const MAX_DEPTH = 256;

/** What JSON leaves out of an object and writes as null in an array. */
const skipped = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

function fast(value: unknown, depth: number): unknown {
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
  if (depth > MAX_DEPTH) throw UNUSUAL;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out[i] = skipped(item) ? null : fast(item, depth + 1);
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw UNUSUAL;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw UNUSUAL;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // An own `__proto__` key would set the copy's prototype: JSON.parse makes it a plain key.
    if (key === '__proto__') throw UNUSUAL;
    const item = (value as Record<string, unknown>)[key];
    if (!skipped(item)) out[key] = fast(item, depth + 1);
  }
  return out;
}

/**
 * A deep copy of a JSON value, equal to `JSON.parse(JSON.stringify(value))` and several times
 * cheaper: plain objects, arrays and primitives are copied directly, by JSON's rules (`undefined`,
 * functions and symbols left out of objects and null in arrays, -0 as 0, non-finite numbers as
 * null); anything else (`toJSON`, a Date, a class instance, a BigInt, a cycle, a very deep value,
 * a getter that throws) is handed to JSON itself, so the result and the errors are JSON's.
 *
 * @example
 * ```ts
 * const stored = jsonCopy(commit.journey); // private to the store: the caller's later edits do not reach it
 * ```
 */
export function jsonCopy<T>(value: T): T {
  if (value === undefined) return value;
  try {
    return fast(value, 0) as T;
  } catch {
    // Something unusual, or a getter or proxy trap that threw: JSON reads the value again and
    // copies it by its own rules or throws its own error.
    return JSON.parse(JSON.stringify(value)) as T;
  }
}
