import type { CareJourneyError } from '../errors.js';
import type { JournalEntry } from '../store/records.js';
import type { JourneyView } from './JourneyView.js';

/**
 * The outcome of `engine.send`. Expected refusals (invalid event, not allowed now, a clinical
 * rule, the actor's role, a plugin veto) are values; nothing was changed by a refusal.
 */
export type SendResult<TView = JourneyView> =
  | { readonly ok: true; readonly view: TView; readonly entry: JournalEntry; readonly duplicate: boolean }
  | { readonly ok: false; readonly error: CareJourneyError };
