import type { FieldIssue } from '../errors.js';

/** Limits applied to every value that enters a journey. */
export interface InputLimits {
  /** Longest string accepted anywhere in an event or input. */
  readonly maxStringLength: number;
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Most keys or array items in one object or array. */
  readonly maxEntries: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxStringLength: 4096, maxDepth: 16, maxEntries: 1000 };

/**
 * Checks that a value survives a JSON round trip unchanged and within limits: no functions,
 * symbols, bigints, `undefined` values, NaN or Infinity, Dates or other class instances, cycles,
 * oversized strings or structures. Returns the problems found (empty when the value is safe).
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
        }
        return;
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v)) issues.push({ path, rule: 'json', message: `${v} is not a finite number and cannot be stored as JSON` });
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
      const kind = obj instanceof Date ? 'a Date (send an ISO 8601 string)' : `an instance of ${obj.constructor?.name ?? 'a class'}`;
      issues.push({ path, rule: 'json', message: `${kind} is not a plain JSON value` });
      return;
    }
    const keys = Object.keys(obj);
    if (keys.length > limits.maxEntries) {
      issues.push({ path, rule: 'size', message: `${keys.length} entries is more than the limit of ${limits.maxEntries}` });
      return;
    }
    ancestors.add(obj);
    if (isArray) {
      (obj as unknown[]).forEach((item, i) => visit(item, `${path}[${i}]`, depth + 1));
    } else {
      for (const key of keys) visit((obj as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1);
    }
    ancestors.delete(obj);
  };
  visit(value, root, 0);
  return issues;
}
