import type { AnyStateMachine, StateValue } from 'xstate';
import { freezeNew } from '../store/freezeNew.js';

/** More distinct state values than this per machine are not interned (they are still correct). */
const CAPACITY = 4096;

/** Per machine: each state value seen, by its JSON, as one frozen object. */
const interned = new WeakMap<AnyStateMachine, Map<string, StateValue>>();

/**
 * One frozen object for each distinct state value of a machine. XState builds a new value object
 * on every transition, even one that stays in place; the stored form of a snapshot holds the
 * interned one instead, so a store that shares unchanged frozen parts (MemoryStore, SqliteStore's
 * snapshot cache) and the engine's load check treat it as unchanged. Values are compared by their
 * JSON, exactly.
 *
 * @example
 * ```ts
 * internStateValue(machine, { care: 'intake' }) === internStateValue(machine, { care: 'intake' }); // true
 * ```
 */
export function internStateValue(machine: AnyStateMachine, value: StateValue): StateValue {
  if (typeof value !== 'object' || value === null) return value;
  let values = interned.get(machine);
  if (!values) {
    values = new Map();
    interned.set(machine, values);
  }
  const key = JSON.stringify(value);
  const known = values.get(key);
  if (known !== undefined) return known;
  if (values.size >= CAPACITY) return value;
  const frozen = freezeNew(JSON.parse(key) as StateValue);
  values.set(key, frozen);
  return frozen;
}
