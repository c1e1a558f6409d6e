import { isFrozenJson } from './freezeNew.js';

/** What a value was checked to be: a journey record, or a timer row. */
export type WellFormedKind = 'record' | 'timer';

const known: Record<WellFormedKind, WeakSet<object>> = { record: new WeakSet(), timer: new WeakSet() };

/**
 * Remembers that `value` has the shape of a `kind` (checked by its schema, or built by the engine
 * from checked parts), when it can never change: frozen all through and exact JSON
 * (`isFrozenJson`). A store that hands out what it holds (MemoryStore) then costs no second check
 * of the same record or timer row on the next load.
 *
 * @example
 * ```ts
 * if (timerRowSchema.safeParse(row).success) markWellFormed('timer', row);
 * isKnownWellFormed('timer', row); // true when row is frozen exact JSON
 * ```
 */
export function markWellFormed(kind: WellFormedKind, value: unknown): void {
  if (typeof value === 'object' && value !== null && isFrozenJson(value)) known[kind].add(value);
}

/** True when {@link markWellFormed} remembered this very value as a `kind`. */
export function isKnownWellFormed(kind: WellFormedKind, value: unknown): boolean {
  return typeof value === 'object' && value !== null && known[kind].has(value);
}
