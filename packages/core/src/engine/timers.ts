import { CareJourneyError } from '../errors.js';
import type { JourneyCommit } from '../store/JourneyStore.js';
import { SYSTEM_ACTOR, type OutboxItem, type TimerRow } from '../store/records.js';
import { bareCommit, commitToStore } from './commit.js';
import { deliverAll } from './deliver.js';
import { iso, type EngineCore } from './EngineCore.js';
import type { StampedEvent } from './guardRule.js';
import { loadJourney, notFound } from './load.js';
import { step } from './step.js';

/** One timer `runDue` fired. */
export interface FiredTimer {
  readonly journeyId: string;
  readonly key: string;
  readonly owner: string;
  readonly dueAt: string;
  /** Set when the timer could not fire (e.g. its journey cannot be loaded); it stays pending. */
  readonly error?: CareJourneyError;
}

/**
 * Fires every timer due by the clock's time, each once, earliest first: XState `after` delays
 * are applied to their journeys (stamped with their due time); plugin timers go to their
 * plugin's `onTimer`.
 */
export async function runDueTimers(core: EngineCore, limit: number): Promise<FiredTimer[]> {
  const fired: FiredTimer[] = [];
  // Timers that failed or vanished are skipped for the rest of this run, so it always ends.
  const skip = new Set<string>();
  const id = (t: TimerRow) => `${t.journeyId}\u0000${t.key}\u0000${t.dueAt}`;
  while (fired.length < limit) {
    const now = core.now();
    const due = (await core.store.dueTimers(now, Math.min(100, limit - fired.length) + skip.size)).filter((t) => !skip.has(id(t)));
    if (due.length === 0) break;
    for (const timer of due) {
      const outcome = await fireTimer(core, timer);
      if (outcome !== 'fired') skip.add(id(timer));
      if (outcome === 'gone') continue;
      fired.push({
        journeyId: timer.journeyId,
        key: timer.key,
        owner: timer.owner,
        dueAt: iso(timer.dueAt),
        ...(outcome === 'fired' ? {} : { error: outcome }),
      });
      if (fired.length >= limit) break;
    }
  }
  return fired;
}

/** Fires one due timer. `gone` when another writer fired or cancelled it first. */
async function fireTimer(core: EngineCore, timer: TimerRow): Promise<'fired' | 'gone' | CareJourneyError> {
  for (let attempt = 0; attempt <= core.maxRetries; attempt++) {
    const outcome = await core.locks.run(timer.journeyId, async (): Promise<'gone' | 'conflict' | CareJourneyError | JourneyCommit> => {
      const current = (await core.store.listTimers(timer.journeyId)).find((t) => t.key === timer.key);
      if (!current || current.dueAt > core.now()) return 'gone';
      const loaded = await loadJourney(core, timer.journeyId);
      if ('refusal' in loaded) return loaded.refusal;
      const { record } = loaded;
      let commit: JourneyCommit;
      if (current.owner === 'machine' && current.event) {
        const event = { ...current.event, at: current.dueAt, actor: SYSTEM_ACTOR } as StampedEvent;
        const applied = step(core, loaded, event, 'timer', undefined, current.key);
        // A timer whose transition no longer applies is dropped without a journal entry.
        commit = 'commit' in applied ? applied.commit : bareCommit(core, record, [current.key], []);
      } else {
        const item: OutboxItem = {
          id: `${record.id}:${record.version + 1}:timer`,
          journeyId: record.id,
          kind: 'timer',
          type: current.owner,
          payload: { key: current.key.slice(`plugin:${current.owner}:`.length), dueAt: current.dueAt, payload: current.payload ?? null },
          createdAt: iso(core.now()),
        };
        commit = bareCommit(core, record, [current.key], [item]);
      }
      return (await commitToStore(core, commit)) === 'conflict' ? 'conflict' : commit;
    });
    if (outcome === 'conflict') continue;
    if (outcome === 'gone' || outcome instanceof CareJourneyError) return outcome;
    core.bus.emit('timer.fired', { journeyId: timer.journeyId, key: timer.key, owner: timer.owner, dueAt: iso(timer.dueAt) });
    await deliverAll(core, outcome.outbox, true);
    return 'fired';
  }
  return new CareJourneyError('CJ_ERR_CONFLICT', `Timer "${timer.key}" of journey "${timer.journeyId}" kept conflicting with other writers; it stays pending.`, {
    journeyId: timer.journeyId,
  });
}

/** Sets and cancels timers of a journey in a commit of their own (plugin timers). */
export async function mutateTimers(core: EngineCore, journeyId: string, cancel: string[], set: TimerRow[]): Promise<void> {
  for (let attempt = 0; attempt <= core.maxRetries; attempt++) {
    const done = await core.locks.run(journeyId, async () => {
      const record = await core.store.load(journeyId);
      if (!record) throw notFound(journeyId);
      return (await commitToStore(core, bareCommit(core, record, cancel, [], set))) === 'committed';
    });
    if (done) return;
  }
  throw new CareJourneyError('CJ_ERR_CONFLICT', `Timers of journey "${journeyId}" could not be changed: other writers kept committing first.`, { journeyId });
}
