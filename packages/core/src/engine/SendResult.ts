import type { CareJourneyError } from '../errors.js';
import type { JournalEntry } from '../store/records.js';
import type { JourneyView } from './JourneyView.js';

/**
 * The outcome of `engine.send`. Expected refusals (invalid event, not allowed now, a clinical
 * rule, the actor's role, a plugin veto, a conflict) are values; nothing was changed by a
 * refusal. `ok: true` means the event is committed, whatever happened after the commit.
 *
 * @example
 * ```ts
 * const r = await engine.send(id, event, { actor }); if (r.ok) render(r.view); else showRefusal(r.error.code, r.error.message);
 * ```
 */
export type SendResult<TView = JourneyView, TEntry = JournalEntry> =
  | {
      readonly ok: true;
      /**
       * The journey as this event's commit left it (its `version`). What plugins commit after
       * it, such as a reminder an `afterCommit` hook schedules, has a version of its own and
       * shows in `engine.get`.
       */
      readonly view: TView;
      readonly entry: TEntry;
      /** True when this was a retry of an event already applied with the same idempotency key. */
      readonly duplicate: boolean;
    }
  | { readonly ok: false; readonly error: CareJourneyError };
