import type { TimerRow } from '../store/records.js';

/**
 * An effect to put in the outbox: an `emit`ted event or a named action with params. The outbox
 * delivers it to plugins and listeners after the commit, as `type` and `payload`.
 *
 * @example
 * ```ts
 * // An action `emit({ type: 'safety.alert', kind: 'stop-rule', reason: 'Systolic above 180' })` becomes
 * const effect: JourneyEffect = { type: 'safety.alert', payload: { kind: 'stop-rule', reason: 'Systolic above 180' } };
 * ```
 */
export interface JourneyEffect {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

export interface CollectedActions {
  readonly timersToSet: TimerRow[];
  readonly timersToCancel: string[];
  readonly effects: JourneyEffect[];
}

/** Timer keys of machine timers: prefixed so plugin timers can never collide with them. */
export const machineTimerKey = (sendId: string): string => `machine:${sendId}`;

interface ExecutableAction {
  readonly type: string;
  readonly params?: unknown;
}

/**
 * Turns the actions XState's pure `transition` returns into durable work: delayed raises become
 * timers due at `at + delay`, cancels remove them, `emit`s and named actions become effects.
 * Actions are processed in order, so a cancel followed by a raise of the same id re-arms it.
 */
export function collectActions(actions: readonly ExecutableAction[], journeyId: string, at: number): CollectedActions {
  const timers = new Map<string, TimerRow | null>();
  const effects: JourneyEffect[] = [];
  for (const action of actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    switch (action.type) {
      case 'xstate.raise': {
        const event = params['event'] as Record<string, unknown> | undefined;
        const delay = params['delay'];
        if (!event || typeof delay !== 'number') break;
        const sendId = typeof params['id'] === 'string' ? params['id'] : String(event['type']);
        const key = machineTimerKey(sendId);
        timers.delete(key);
        timers.set(key, { journeyId, key, owner: 'machine', dueAt: at + Math.max(0, delay), event: JSON.parse(JSON.stringify(event)) as Record<string, unknown> });
        break;
      }
      case 'xstate.cancel': {
        const sendId = params['sendId'];
        if (typeof sendId === 'string') {
          const key = machineTimerKey(sendId);
          timers.delete(key);
          timers.set(key, null);
        }
        break;
      }
      case 'xstate.emit': {
        const { type, ...payload } = (params['event'] ?? {}) as Record<string, unknown>;
        if (typeof type === 'string') effects.push({ type, payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown> });
        break;
      }
      default:
        if (!action.type.startsWith('xstate.')) {
          effects.push({ type: action.type, payload: JSON.parse(JSON.stringify(params)) as Record<string, unknown> });
        }
    }
  }
  const timersToSet: TimerRow[] = [];
  const timersToCancel: string[] = [];
  for (const [key, row] of timers) {
    // Always cancel first: setting a key that exists replaces the old timer.
    timersToCancel.push(key);
    if (row) timersToSet.push(row);
  }
  return { timersToSet, timersToCancel, effects };
}
