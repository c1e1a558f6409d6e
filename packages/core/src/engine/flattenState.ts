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
  const leaves: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const inner = flattenState(child as StateValue);
    for (const leaf of inner.split('|')) leaves.push(leaf ? `${key}.${leaf}` : key);
  }
  return leaves.join('|');
}
