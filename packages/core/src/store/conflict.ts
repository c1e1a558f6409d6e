import { CareJourneyError } from '../errors.js';

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
 * Checks a commit's own consistency; stores call it before writing anything.
 *
 * @example
 * ```ts
 * async commit(commit: JourneyCommit): Promise<void> {
 *   assertCommitShape(commit); // throws CJ_ERR_STORE before anything is written
 *   // ...
 * }
 * ```
 */
export function assertCommitShape(c: { journey: { id: string; version: number }; expectedVersion: number; entry?: { journeyId: string } }): void {
  if (c.journey.version !== c.expectedVersion + 1) {
    throw new CareJourneyError('CJ_ERR_STORE', `Commit to journey "${c.journey.id}" has version ${c.journey.version}; it must be expectedVersion + 1 (${c.expectedVersion + 1}).`, { journeyId: c.journey.id });
  }
  if (c.entry && c.entry.journeyId !== c.journey.id) {
    throw new CareJourneyError('CJ_ERR_STORE', `Commit to journey "${c.journey.id}" carries a journal entry of journey "${c.entry.journeyId}".`, { journeyId: c.journey.id });
  }
}
