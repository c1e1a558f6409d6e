import type { ReminderAudience } from './kinds.js';

/**
 * A reminder waiting to go out, as `reminders.pending(journeyId)` lists it: which reminder, what it
 * is about, when it goes out, and whether quiet hours moved it. No PHI (opaque ids, kinds, times).
 *
 * @example
 * ```ts
 * for (const r of await reminders.pending(journeyId)) {
 *   const moved = r.quietHours ? ` (moved ${r.quietHours.direction} from ${r.quietHours.movedFrom} by quiet hours)` : '';
 *   console.log(`${r.kind} at ${r.dueAt}${moved}`);
 * }
 * ```
 */
export interface PendingReminder {
  /** The reminder's stable id, the one the host's `deliver` will get. */
  readonly deliveryId: string;
  readonly rule: string;
  readonly kind: string;
  readonly audience: ReminderAudience;
  readonly templateKey: string;
  /** The attempt it waits for: 1, or more when a failed delivery waits for its retry. */
  readonly attempt: number;
  /** The moment it is about (a session's start, a discharge, a form's due time), ISO 8601. */
  readonly aboutAt: string;
  /** When it was planned to go out, after quiet hours, ISO 8601. */
  readonly plannedAt: string;
  /** When its timer is due: `plannedAt`, or the retry's time, ISO 8601. */
  readonly dueAt: string;
  /** Set when quiet hours moved it: from when, and which way. */
  readonly quietHours: { readonly movedFrom: string; readonly direction: 'earlier' | 'later' } | null;
}
