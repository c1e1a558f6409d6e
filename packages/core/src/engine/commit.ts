import { CareJourneyError } from '../errors.js';
import type { JourneyCommit } from '../store/JourneyStore.js';
import { sealCommit } from '../store/sealCommit.js';
import { byCodePoint } from '../store/byCodePoint.js';
import type { JournalEntry, JourneyRecord, OutboxItem, TimerRow } from '../store/records.js';
import type { JourneyEffect } from './collectActions.js';
import { iso, type EngineCore } from './EngineCore.js';

/**
 * The commit step: hands one commit to the store. `conflict` when another writer committed to
 * the journey first (the caller reloads and retries); any other store failure throws.
 */
export async function commitToStore(core: EngineCore, commit: JourneyCommit): Promise<'committed' | 'conflict'> {
  try {
    await core.store.commit(sealCommit(commit));
    core.protocols.committed(commit.protocols);
    return 'committed';
  } catch (error) {
    if (error instanceof CareJourneyError && error.code === 'CJ_ERR_CONFLICT') return 'conflict';
    throw error;
  }
}

/**
 * The outbox items of a commit: the transition (its journal entry), each effect, and
 * `journey.ended` when the journey reached a final state. Ids are stable: journey, version, index.
 */
export function outboxFor(record: JourneyRecord, entry: JournalEntry, effects: readonly JourneyEffect[], now: number, ended = record.status === 'done'): OutboxItem[] {
  const base = `${record.id}:${record.version}`;
  const createdAt = iso(now);
  const items: OutboxItem[] = [{ id: `${base}:0`, journeyId: record.id, kind: 'transition', type: entry.type, payload: entry, createdAt }];
  effects.forEach((effect, i) => {
    items.push({ id: `${base}:${i + 1}`, journeyId: record.id, kind: 'effect', type: effect.type, payload: effect.payload, createdAt });
  });
  if (ended) {
    items.push({
      id: `${base}:end`,
      journeyId: record.id,
      kind: 'effect',
      type: 'journey.ended',
      payload: { state: record.state, phase: record.phase, at: entry.at },
      createdAt,
    });
  }
  return items;
}

/** A commit that changes only timers and the outbox (no journal entry), e.g. for plugin timers. */
export function bareCommit(core: EngineCore, record: JourneyRecord, cancel: readonly string[], outbox: OutboxItem[], set: TimerRow[] = []): JourneyCommit {
  return {
    journey: { ...record, version: record.version + 1, updatedAt: iso(core.now()) },
    expectedVersion: record.version,
    timersToSet: set,
    timersToCancel: cancel,
    outbox,
  };
}

/** A journey's pending timers after a commit: the loaded ones, less the cancelled, plus the set, earliest first. */
export function timersAfter(timers: readonly TimerRow[], commit: Pick<JourneyCommit, 'timersToCancel' | 'timersToSet'>): TimerRow[] {
  const byKey = new Map(timers.map((t) => [t.key, t]));
  for (const key of commit.timersToCancel) byKey.delete(key);
  for (const t of commit.timersToSet) byKey.set(t.key, t);
  // The stores' order: due time, then key by code point.
  return [...byKey.values()].sort((a, b) => a.dueAt - b.dueAt || byCodePoint(a.key, b.key));
}
