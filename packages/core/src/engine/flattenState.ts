import type { StateValue } from 'xstate';

/**
 * A state value as dotted leaf paths, parallel regions joined by `|`, e.g.
 * `treatment.course.induction|treatment.therapy.active`. Used for journals, queries and messages.
 *
 * @example
 * ```ts
 * flattenState('referral'); // 'referral'
 * flattenState({ treatment: { course: 'induction', therapy: 'active' } });
 * // 'treatment.course.induction|treatment.therapy.active'
 * ```
 */
export function flattenState(value: StateValue): string {
  if (typeof value === 'string') return value;
  // XState builds a new value object on every transition, for a handful of distinct values: the
  // label is worked out once per distinct value (by its JSON, which lists keys in the same order).
  const key = JSON.stringify(value);
  let label = labels.get(key);
  if (label === undefined) {
    label = flatten(value);
    if (labels.size < CAPACITY) labels.set(key, label);
  }
  return label;
}

/** More distinct state values than this are not remembered (their labels are still right). */
const CAPACITY = 4096;
const labels = new Map<string, string>();

function flatten(value: StateValue): string {
  if (typeof value === 'string') return value;
  const leaves: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const inner = flatten(child as StateValue);
    for (const leaf of inner.split('|')) leaves.push(leaf ? `${key}.${leaf}` : key);
  }
  return leaves.join('|');
}
