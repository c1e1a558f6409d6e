import { freezeBuilt } from './freezeNew.js';
import type { JourneyCommit } from './JourneyStore.js';
import { markWellFormed } from './knownWellFormed.js';

/** Commits the engine built and froze: each has the shape `assertCommitShape` checks. */
const sealed = new WeakSet<object>();

/**
 * Freezes a commit the engine built, all through, and marks it as well-formed, so the store's
 * `assertCommitShape` does not check again, field by field, what the engine assembled from parts
 * it had checked (the loaded record, the event's parsed payload, the definition's checked phase,
 * timers and effects). Frozen, the commit cannot change between the engine and the store; a
 * copy of it, or any commit a host builds, is not marked and is checked in full. Internal to the
 * engine.
 *
 * @example
 * ```ts
 * await core.store.commit(sealCommit(step.commit));
 * ```
 */
export function sealCommit<T extends JourneyCommit>(commit: T): T {
  // Bottom up, each object the engine built for the commit; what they hold that it did not build
  // (payloads, contexts, events) is proven in full, or was when it was frozen before.
  const snapshot = commit.journey.snapshot as unknown;
  if (isObject(snapshot)) {
    if (isObject(snapshot['context'])) freezeBuilt(snapshot['context']);
    freezeBuilt(snapshot);
  }
  freezeBuilt(commit.journey);
  if (commit.entry) freezeBuilt(commit.entry);
  // The parts a store keeps (record, entry, timer rows, outbox items, protocols) are proven exact
  // JSON; the lists and the commit that hold them are only frozen: no store keeps those as they
  // are, and each proof is one more entry in a weak set the garbage collector must keep up.
  for (const list of [commit.timersToSet, commit.outbox, commit.protocols ?? []]) {
    for (const item of list) freezeBuilt(item);
    Object.freeze(list);
  }
  Object.freeze(commit.timersToCancel);
  Object.freeze(commit);
  sealed.add(commit);
  // Parts of a well-formed commit, as a store that keeps them hands them back on a load.
  markWellFormed('record', commit.journey);
  for (const timer of commit.timersToSet) markWellFormed('timer', timer);
  return commit;
}

/** True for a commit {@link sealCommit} marked (the very object, frozen since). */
export function isSealedCommit(value: unknown): value is JourneyCommit {
  return typeof value === 'object' && value !== null && sealed.has(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
