import { CareJourneyError } from '../errors.js';

/** The error every store throws when a commit's expected version or idempotency key clashes. */
export function conflictError(journeyId: string, expectedVersion: number, actual: number | undefined, idempotencyKey?: string): CareJourneyError {
  const reason =
    idempotencyKey !== undefined && actual === expectedVersion
      ? `idempotency key "${idempotencyKey}" was already used for this journey`
      : actual === undefined
        ? `the journey does not exist (expected version ${expectedVersion})`
        : `the journey is at version ${actual}, not the expected ${expectedVersion}: another writer committed first`;
  return new CareJourneyError('CJ_ERR_CONFLICT', `Commit to journey "${journeyId}" refused: ${reason}.`, {
    journeyId,
    expectedVersion,
    reason,
  });
}

/** Checks a commit's own consistency; stores call it before writing anything. */
export function assertCommitShape(c: { journey: { id: string; version: number }; expectedVersion: number; entry?: { journeyId: string } }): void {
  if (c.journey.version !== c.expectedVersion + 1) {
    throw new CareJourneyError('CJ_ERR_STORE', `Commit to journey "${c.journey.id}" has version ${c.journey.version}; it must be expectedVersion + 1 (${c.expectedVersion + 1}).`, { journeyId: c.journey.id });
  }
  if (c.entry && c.entry.journeyId !== c.journey.id) {
    throw new CareJourneyError('CJ_ERR_STORE', `Commit to journey "${c.journey.id}" carries a journal entry of journey "${c.entry.journeyId}".`, { journeyId: c.journey.id });
  }
}
