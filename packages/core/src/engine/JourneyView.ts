import type { StateValue } from 'xstate';
import type { JourneyRecord } from '../store/records.js';
import type { BlockedEvent } from './explainEvents.js';

/** A journey as the host sees it. JSON-safe. */
export interface JourneyView<TContext = unknown> {
  readonly id: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly patientRef: string;
  /** Rises by one with every commit; the optimistic-concurrency token. */
  readonly version: number;
  readonly state: StateValue;
  /** The state as dotted leaf paths, parallel regions joined by `|`. */
  readonly stateLabel: string;
  readonly phase: string;
  readonly status: JourneyRecord['status'];
  readonly context: TContext;
  /** Event types that the current state accepts now (payload rules are checked on send). */
  readonly allowedEvents: readonly string[];
  /** Event types the state has a transition for but a clinical rule blocks now, and why. */
  readonly blockedEvents: readonly BlockedEvent[];
  /** Pending timers, earliest first. */
  readonly timers: readonly { readonly key: string; readonly owner: string; readonly dueAt: string }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}
