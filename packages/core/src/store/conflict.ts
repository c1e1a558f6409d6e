import { CareJourneyError, type FieldIssue } from '../errors.js';
import { unreadable } from '../validation/parseArgument.js';
import { zodIssues } from '../validation/zodIssues.js';
import { storeArgumentsError } from './checkStoreArguments.js';
import { journeyCommitSchema } from './journeyCommitSchema.js';
import { isSealedCommit } from './sealCommit.js';
import type { JourneyCommit } from './JourneyStore.js';

/**
 * What clashed, when it is not the version: a used idempotency key or an existing outbox id.
 *
 * @example
 * ```ts
 * throw conflictError(journeyId, commit.expectedVersion, stored.version, { idempotencyKey: commit.idempotencyKey! });
 * ```
 */
export type ConflictCause = { readonly idempotencyKey: string } | { readonly outboxId: string };

/**
 * The error every store throws when a commit clashes: the expected version is not the stored one,
 * the idempotency key was used, or an outbox id exists already.
 *
 * @example
 * ```ts
 * if (stored?.version !== commit.expectedVersion) throw conflictError(commit.journey.id, commit.expectedVersion, stored?.version);
 * ```
 */
export function conflictError(
  journeyId: string,
  expectedVersion: number,
  actual: number | undefined,
  cause?: ConflictCause,
): CareJourneyError {
  let reason: string;
  if (cause && 'idempotencyKey' in cause) {
    // The key is not quoted: a host may derive it from what it submits.
    reason = 'the idempotency key was already used for this journey';
  } else if (cause && 'outboxId' in cause) {
    reason = `outbox item "${cause.outboxId}" exists already`;
  } else if (actual === undefined) {
    reason = `the journey does not exist (expected version ${expectedVersion})`;
  } else {
    reason = `the journey is at version ${actual}, not the expected ${expectedVersion}: another writer committed first`;
  }
  return new CareJourneyError('CJ_ERR_CONFLICT', `Commit to journey "${journeyId}" refused: ${reason}.`, {
    journeyId,
    expectedVersion,
    reason,
  });
}

/**
 * Checks a commit before a store writes anything: its shape (every field of the record, the
 * journal entry, the timers and the outbox items, with its type; the snapshot and payloads only
 * as JSON objects or values, so the check stays cheap), then its own consistency (the new
 * version is `expectedVersion + 1`, the entry belongs to the journey). Returns the checked
 * commit, built of plain values read once. Throws `CJ_ERR_INVALID_INPUT` naming the store, each
 * bad field and its rule (whatever the value: null, a Symbol, a proxy whose traps throw), or
 * `CJ_ERR_STORE` for an inconsistent commit. Stores call it first. An engine's own commits,
 * frozen all through and marked as it built them from checked parts, are returned as they are.
 *
 * @example
 * ```ts
 * async commit(commit: JourneyCommit): Promise<void> {
 *   const checked = assertCommitShape(commit, 'MyStore'); // throws before anything is written
 *   // ... write `checked` in one transaction
 * }
 * ```
 */
export function assertCommitShape(commit: unknown, store = 'JourneyStore'): JourneyCommit {
  // The engine's own commits, frozen since it built them from checked parts.
  if (isSealedCommit(commit)) return commit;
  let issues: FieldIssue[];
  try {
    const parsed = journeyCommitSchema.safeParse(commit);
    if (parsed.success) {
      const c = parsed.data as JourneyCommit;
      if (c.journey.version !== c.expectedVersion + 1) {
        throw new CareJourneyError('CJ_ERR_STORE', `Commit to journey "${c.journey.id}" has version ${c.journey.version}; it must be expectedVersion + 1 (${c.expectedVersion + 1}).`, { journeyId: c.journey.id });
      }
      if (c.entry && c.entry.journeyId !== c.journey.id) {
        throw new CareJourneyError('CJ_ERR_STORE', `Commit to journey "${c.journey.id}" carries a journal entry of journey "${c.entry.journeyId}".`, { journeyId: c.journey.id });
      }
      return c;
    }
    issues = zodIssues(parsed.error, 'commit');
  } catch (error) {
    if (error instanceof CareJourneyError) throw error;
    issues = [unreadable('commit')];
  }
  throw storeArgumentsError(store, 'commit', issues);
}
