import type { AnyMachineSnapshot } from 'xstate';
import { flattenState } from './flattenState.js';

/** Flattened state values, by snapshot: XState's snapshots are immutable. */
const labels = new WeakMap<AnyMachineSnapshot, string>();

/**
 * The snapshot's state as {@link flattenState} writes it, worked out once per snapshot: the step
 * that produces a snapshot (its journal entry's `to`), its view and the step that starts from it
 * (`from`) all ask for it.
 *
 * @example
 * ```ts
 * const to = stateOf(next); // 'treatment.course.induction|treatment.therapy.active'
 * ```
 */
export function stateOf(snapshot: AnyMachineSnapshot): string {
  let label = labels.get(snapshot);
  if (label === undefined) {
    label = flattenState(snapshot.value);
    labels.set(snapshot, label);
  }
  return label;
}
