import type { FieldIssue } from '../errors.js';
import { unreadable } from './parseArgument.js';
import { freezeNew } from '../store/freezeNew.js';

/**
 * Limits applied to every value that enters a journey (`createEngine({ limits })`).
 *
 * @example
 * ```ts
 * createEngine({ definition, store, limits: { maxStringLength: 2000 } });
 * ```
 */
export interface InputLimits {
  /** Longest string accepted anywhere in an event or input. */
  readonly maxStringLength: number;
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Most keys or array items in one object or array. */
  readonly maxEntries: number;
}

/**
 * The limits an engine applies unless `createEngine({ limits })` changes them.
 *
 * @example
 * ```ts
 * const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS, maxDepth: 8 };
 * ```
 */
export const DEFAULT_INPUT_LIMITS: InputLimits = freezeNew({ maxStringLength: 4096, maxDepth: 16, maxEntries: 1000 });

/** A key as it may appear in a path: printable, short, lone surrogates and controls escaped. */
const pathKey = (key: string): string => (/^[\w$-]{1,64}$/.test(key) ? key : JSON.stringify(key.slice(0, 64)));

/**
 * Checks that a value survives a JSON round trip unchanged and within limits: no functions,
 * symbols, bigints, `undefined` values, NaN or Infinity, Dates or other class instances, cycles,
 * lone surrogates (in strings or keys), oversized strings or structures. Returns the problems
 * found (empty when the value is safe). Never throws: a getter or proxy that throws is an issue.
 *
 * @example
 * ```ts
 * checkJsonSafe({ at: new Date() }, 'event'); // [{ path: 'event.at', rule: 'json', ... }]
 * ```
 */
export function checkJsonSafe(value: unknown, root: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const ancestors = new Set<object>();
  const visit = (v: unknown, path: string, depth: number): void => {
    if (issues.length >= 20) return;
    switch (typeof v) {
      case 'string':
        if (v.length > limits.maxStringLength) {
          issues.push({ path, rule: 'size', message: `string of ${v.length} characters is longer than the limit of ${limits.maxStringLength}` });
        } else if (!v.isWellFormed()) {
          issues.push({ path, rule: 'unicode', message: 'must be well-formed Unicode text (it contains a lone surrogate)' });
        }
        return;
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v)) issues.push({ path, rule: 'json', message: 'is not a finite number and cannot be stored as JSON' });
        return;
      case 'undefined':
        issues.push({ path, rule: 'json', message: 'undefined is not a JSON value: omit the field instead' });
        return;
      case 'function':
      case 'symbol':
      case 'bigint':
        issues.push({ path, rule: 'json', message: `a ${typeof v} is not a JSON value` });
        return;
      default:
        break;
    }
    if (v === null) return;
    const obj = v as object;
    if (ancestors.has(obj)) {
      issues.push({ path, rule: 'json', message: 'cyclic reference: the value contains itself' });
      return;
    }
    if (depth >= limits.maxDepth) {
      issues.push({ path, rule: 'size', message: `nested deeper than the limit of ${limits.maxDepth}` });
      return;
    }
    const isArray = Array.isArray(obj);
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (!isArray && proto !== Object.prototype && proto !== null) {
      issues.push({ path, rule: 'json', message: obj instanceof Date ? 'a Date is not a plain JSON value (send an ISO 8601 string)' : 'a class instance is not a plain JSON value' });
      return;
    }
    if (Object.getOwnPropertySymbols(obj).length > 0) {
      issues.push({ path, rule: 'json', message: 'symbol-keyed properties are not JSON' });
      return;
    }
    const keys = isArray ? [] : Object.keys(obj);
    const entries = isArray ? (obj as unknown[]).length : keys.length;
    if (entries > limits.maxEntries) {
      issues.push({ path, rule: 'size', message: `${entries} entries is more than the limit of ${limits.maxEntries}` });
      return;
    }
    ancestors.add(obj);
    if (isArray) {
      for (let i = 0; i < entries; i++) visit((obj as unknown[])[i], `${path}[${i}]`, depth + 1);
    } else {
      for (const key of keys) {
        const child = path ? `${path}.${pathKey(key)}` : pathKey(key);
        if (key.length > limits.maxStringLength || !key.isWellFormed()) {
          issues.push({ path: child, rule: 'unicode', message: 'a key must be well-formed Unicode text within the string length limit' });
          continue;
        }
        visit((obj as Record<string, unknown>)[key], child, depth + 1);
      }
    }
    ancestors.delete(obj);
  };
  try {
    visit(value, root, 0);
  } catch {
    // A getter or a proxy trap threw while the value was read.
    issues.push(unreadable(root));
  }
  return issues;
}
