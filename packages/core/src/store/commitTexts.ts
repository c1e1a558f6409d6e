import { CareJourneyError } from '../errors.js';
import { frozenJsonText } from './frozenJsonText.js';
import type { JourneyCommit } from './JourneyStore.js';

/**
 * The JSON text of each JSON value of a commit, for a store that keeps them as text. The lists
 * follow the commit's own (`timers[i]` is of `timersToSet[i]`); an absent value (`undefined`)
 * is `null`.
 *
 * @example
 * ```ts
 * const texts: CommitTexts = commitTexts(commit, 'MyStore');
 * commit.timersToSet.forEach((t, i) => db.run('INSERT INTO timers VALUES (?, ?, ?)', t.key, t.dueAt, texts.timers[i]!.event));
 * ```
 */
export interface CommitTexts {
  readonly snapshot: string | null;
  readonly entry: { readonly payload: string | null; readonly actor: string | null } | undefined;
  readonly timers: readonly { readonly event: string | null; readonly payload: string | null }[];
  readonly outbox: readonly (string | null)[];
  readonly protocols: readonly (string | null)[];
}

const NOT_JSON = 'must be JSON: JSON.stringify threw (a BigInt, a cycle, or a getter or proxy that throws)';

/**
 * Serializes the JSON values of a commit checked by `assertCommitShape`, before a store writes
 * anything: the snapshot, the journal entry's payload and actor, each timer's event and payload,
 * each outbox item's payload and each protocol brought along (every one, also one whose ref may
 * be stored already: whether a commit is refused never depends on what the store holds). Each
 * text is `JSON.stringify`'s, character for character; for a snapshot the engine froze and
 * proved exact JSON, the parts it shares with the one before are not written again.
 * A value `JSON.stringify` cannot write (a BigInt, a cycle, a getter or proxy that throws) is
 * refused with `CJ_ERR_INVALID_INPUT` naming `store`, the field and the rule; the serializer's
 * own message, which names keys of the value, is not kept.
 *
 * @example
 * ```ts
 * const commit = assertCommitShape(given, 'MyStore');
 * const texts = commitTexts(commit, 'MyStore'); // throws before anything is written
 * db.run('UPDATE journeys SET snapshot = ? WHERE id = ?', texts.snapshot, commit.journey.id);
 * ```
 */
export function commitTexts(commit: JourneyCommit, store: string): CommitTexts {
  const id = commit.journey.id;
  const text = (path: string, value: unknown, write: (value: unknown) => string | undefined = JSON.stringify): string | null => {
    if (value === undefined) return null;
    try {
      return write(value) ?? null;
    } catch {
      throw new CareJourneyError('CJ_ERR_INVALID_INPUT', `${store}.commit refused its arguments: ${path}: ${NOT_JSON}. Nothing was read or written.`, {
        ...(id.isWellFormed() ? { journeyId: id } : {}),
        issues: [{ path, rule: 'json', message: NOT_JSON }],
      });
    }
  };
  const e = commit.entry;
  return {
    snapshot: text('commit.journey.snapshot', commit.journey.snapshot, frozenJsonText),
    entry: e ? { payload: text('commit.entry.payload', e.payload), actor: text('commit.entry.actor', e.actor) } : undefined,
    timers: commit.timersToSet.map((t, i) => ({ event: text(`commit.timersToSet[${i}].event`, t.event), payload: text(`commit.timersToSet[${i}].payload`, t.payload) })),
    outbox: commit.outbox.map((item, i) => text(`commit.outbox[${i}].payload`, item.payload)),
    protocols: (commit.protocols ?? []).map((p, i) => text(`commit.protocols[${i}].protocol`, p.protocol)),
  };
}
