/**
 * Every state path a flattened state (`a.b|a.c`) is in: each leaf and each of its ancestors
 * (`a`, `a.b`, `a.c`). A journey matches a state query for `path` exactly when `path` is one of
 * them, which is the rule of core's `stateMatches`.
 *
 * @example
 * ```ts
 * statePaths('treatment.course.induction|treatment.therapy.active');
 * // ['treatment', 'treatment.course', 'treatment.course.induction', 'treatment.therapy', 'treatment.therapy.active']
 * ```
 */
export function statePaths(flattened: string): string[] {
  const paths = new Set<string>();
  for (const leaf of flattened.split('|')) {
    for (let i = leaf.indexOf('.'); i !== -1; i = leaf.indexOf('.', i + 1)) paths.add(leaf.slice(0, i));
    paths.add(leaf);
  }
  return [...paths];
}
