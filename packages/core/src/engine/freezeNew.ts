/**
 * Deep-freezes a value, descending only into what is not frozen yet: a context a transition made
 * shares its unchanged parts with the one before (already frozen), so this costs what changed.
 * Contexts are immutable by XState's contract; freezing them makes the contract hold for the
 * snapshots an engine keeps and hands out (`view.context`).
 */
export function freezeNew(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) freezeNew(item);
    return;
  }
  for (const key of Object.keys(value)) freezeNew((value as Record<string, unknown>)[key]);
}
