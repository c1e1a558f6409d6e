/**
 * Deep-freezes a value, descending only into what is not frozen yet, and returns it: a context a
 * transition made shares its unchanged parts with the one before (already frozen), so this costs
 * what changed. Contexts are immutable by XState's contract; freezing them makes the contract
 * hold for the snapshots an engine keeps and hands out (`view.context`), for shared protocols,
 * and for what a store holds.
 */
export function freezeNew<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) freezeNew(item);
    return value;
  }
  for (const key of Object.keys(value)) freezeNew((value as Record<string, unknown>)[key]);
  return value;
}
