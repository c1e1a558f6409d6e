import { CareJourneyError } from '../errors.js';
import type { JourneyCommit } from '../store/JourneyStore.js';
import { SYSTEM_ACTOR, timerRowSchema, type OutboxItem, type TimerRow } from '../store/records.js';
import { describeStoredIssues } from '../validation/zodIssues.js';
import { isKnownWellFormed, markWellFormed } from '../store/knownWellFormed.js';
import { bareCommit, commitToStore, timersAfter } from './commit.js';
import { deliverCommitted } from './deliver.js';
import { iso, type EngineCore } from './EngineCore.js';
import type { StampedEvent } from './guardRule.js';
import { loadJourney, notFound, sameJson, wellFormedTimers } from './load.js';
import { skippedTimerStep, step } from './step.js';

/**
 * One timer `runDue` handled: fired, skipped, or left pending with an error.
 *
 * @example
 * ```ts
 * for (const t of await engine.runDue()) if (t.error) log.warn(t.journeyId, t.key, t.error.code);
 * ```
 */
export interface FiredTimer {
  readonly journeyId: string;
  readonly key: string;
  readonly owner: string;
  readonly dueAt: string;
  /**
   * Set when a machine timer's event no longer applied when it fired (its transition was
   * refused, e.g. the state it waited in was left): the timer was deleted and the journal
   * records it as skipped (`payload.skipped: true`, with the refusal's code and reason).
   */
  readonly skipped?: true;
  /**
   * Set when the timer could not fire (its journey cannot be loaded, its row is damaged or is not
   * a timer this engine can have stored, other writers kept committing first); it stays pending.
   */
  readonly error?: CareJourneyError;
}

type Outcome = 'fired' | 'skipped' | 'gone' | CareJourneyError;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Fires every timer due by the clock's time, each once, earliest first: XState `after` delays
 * are applied to their journeys (stamped with their due time); plugin timers go to their
 * plugin's `onTimer`. A damaged timer row (malformed, a machine timer whose event is not a timer
 * event of the definition, an owner that is neither the machine nor a registered plugin) is
 * reported in the result with `CJ_ERR_CORRUPT_SNAPSHOT` and left alone; the other timers fire.
 * Once a timer's commit succeeded nothing throws.
 */
export async function runDueTimers(core: EngineCore, limit: number): Promise<FiredTimer[]> {
  const fired: FiredTimer[] = [];
  // Timers that failed or vanished are left out for the rest of this run, so it always ends.
  const skip = new Set<string>();
  // JSON of the three, so no two timers share an id whatever their ids and keys hold.
  const id = (t: { journeyId?: unknown; key?: unknown; dueAt?: unknown }) => JSON.stringify([text(t.journeyId), text(t.key), String(t.dueAt)]);
  while (fired.length < limit) {
    const rows = (await core.store.dueTimers(core.now(), Math.min(100, limit - fired.length) + skip.size)) as unknown[];
    const due = rows.filter((row) => !skip.has(id(row as TimerRow)));
    if (due.length === 0) break;
    for (const row of due) {
      // A row checked before (or committed by an engine) and unable to change since is not checked again.
      const parsed = isKnownWellFormed('timer', row) ? { success: true as const, data: row as TimerRow } : timerRowSchema.safeParse(row);
      if (parsed.success) markWellFormed('timer', row);
      let outcome: Outcome;
      let timer: { journeyId: string; key: string; owner: string; dueAt: string };
      if (parsed.success) {
        timer = { journeyId: parsed.data.journeyId, key: parsed.data.key, owner: parsed.data.owner, dueAt: iso(parsed.data.dueAt) };
        outcome = await fireTimer(core, parsed.data);
      } else {
        const r = row as Partial<Record<keyof TimerRow, unknown>>;
        timer = { journeyId: text(r.journeyId), key: text(r.key), owner: text(r.owner), dueAt: typeof r.dueAt === 'number' && Number.isFinite(r.dueAt) ? iso(r.dueAt) : '' };
        outcome = new CareJourneyError(
          'CJ_ERR_CORRUPT_SNAPSHOT',
          `A timer of journey "${timer.journeyId}" cannot fire: its stored row is malformed (${describeStoredIssues(parsed.error, 'timer')}). It was left untouched; repair or remove the row.`,
          timer.journeyId ? { journeyId: timer.journeyId } : {},
        );
      }
      if (outcome !== 'fired' && outcome !== 'skipped') skip.add(id(row as TimerRow));
      if (outcome === 'gone') continue;
      fired.push({ ...timer, ...(outcome === 'skipped' ? { skipped: true as const } : outcome === 'fired' ? {} : { error: outcome }) });
      if (fired.length >= limit) break;
    }
  }
  return fired;
}

/** XState's delayed transitions (`after`) raise events of this prefix; only `after` handles them. */
const AFTER_PREFIX = 'xstate.after.';

/**
 * Refuses a timer row that has a timer's shape but cannot be what this engine stored: a machine
 * timer must carry an event of one of the definition's timer events (or an XState `after`
 * delay), a plugin timer must belong to a plugin registered with this engine, under its own key.
 * Such a row was damaged or hand-edited: firing it would apply an event no timer sends (a host
 * event such as a dose, as the system actor) or drop it unseen. It is reported, never consumed.
 * The message names the journey, the column and the rule, never the stored value.
 */
function unfireable(core: EngineCore, timer: TimerRow): CareJourneyError | undefined {
  let problem: string | undefined;
  if (timer.owner === 'machine') {
    const type = timer.event?.['type'];
    if (!timer.key.startsWith('machine:')) problem = 'timers.key does not start with "machine:", as a machine timer\'s key does';
    else if (timer.event === undefined) problem = 'timers.event is missing: a machine timer carries the event it sends';
    else if (typeof type !== 'string') problem = 'timers.event has no type: a machine timer carries the event it sends';
    else if (!type.startsWith(AFTER_PREFIX) && !core.timerEvents.has(type)) {
      problem = `timers.event is not one of the timer events of "${core.definition.id}" (a host's event is never sent by a timer)`;
    }
  } else if (!core.plugins.names.includes(timer.owner)) {
    problem = 'timers.owner is neither "machine" nor a plugin registered with this engine (register the plugin, or remove the row)';
  } else if (!timer.key.startsWith(`plugin:${timer.owner}:`)) {
    problem = 'timers.key is not under its plugin ("plugin:<name>:<key>")';
  }
  if (problem === undefined) return undefined;
  return new CareJourneyError(
    'CJ_ERR_CORRUPT_SNAPSHOT',
    `A timer of journey "${timer.journeyId}" cannot fire: its stored ${problem}. It was left untouched and stays pending; repair or remove the row.`,
    { journeyId: timer.journeyId },
  );
}

/** True when two timer rows say the same: key, owner, due time, event and payload. */
function sameTimer(a: TimerRow | undefined, b: TimerRow): boolean {
  return a !== undefined && a.key === b.key && a.owner === b.owner && a.dueAt === b.dueAt && sameJson(a.event, b.event) && sameJson(a.payload, b.payload);
}

/**
 * Fires one due timer (`due`, the row `dueTimers` just read). `gone` when another writer fired or
 * cancelled it first.
 *
 * The journey's pending timers come from this engine's last commit to it when the store is still
 * at that commit's version (every change of a journey's timers is a commit, so they are what the
 * store holds), else from the store. The commit is made under the loaded version: a writer that
 * fired or cancelled the timer since makes it a conflict, and the retry reads the timers again and
 * finds it gone. When the timers this engine knows disagree with the due row (another process, or
 * a hand, changed the row), they are read from the store, and the stored row is what fires or is
 * refused.
 */
async function fireTimer(core: EngineCore, due: TimerRow): Promise<Outcome> {
  for (let attempt = 0; attempt <= core.maxRetries; attempt++) {
    const outcome = await core.locks.run(due.journeyId, async (): Promise<'gone' | 'conflict' | CareJourneyError | { commit: JourneyCommit; skipped: boolean }> => {
      let loaded = await loadJourney(core, due.journeyId, 'known');
      if ('refusal' in loaded) return loaded.refusal;
      let current = loaded.timers.find((t) => t.key === due.key);
      if (!sameTimer(current, due)) {
        const timers = wellFormedTimers(await core.store.listTimers(due.journeyId));
        loaded = { ...loaded, timers };
        current = timers.find((t) => t.key === due.key);
      }
      if (!current || current.dueAt > core.now()) return 'gone';
      const unfit = unfireable(core, current);
      if (unfit) return unfit;
      const { record } = loaded;
      let commit: JourneyCommit;
      let skipped = false;
      let next = loaded.snapshot;
      if (current.owner === 'machine' && current.event) {
        // Checked by unfireable: a timer event of the definition, or an XState `after` delay.
        const event = { ...current.event, at: current.dueAt, actor: SYSTEM_ACTOR } as StampedEvent;
        const applied = step(core, loaded, event, 'timer', undefined, current.key);
        skipped = 'refusal' in applied;
        if ('refusal' in applied) commit = skippedTimerStep(core, loaded, current, applied.refusal);
        else ({ commit, next } = applied);
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
      if ((await commitToStore(core, commit)) === 'conflict') return 'conflict';
      // The journey's next event (or timer) knows its timers without reading them, while no one else commits.
      core.snapshots.committed(next, commit.journey.version, timersAfter(loaded.timers, commit));
      return { commit, skipped };
    });
    if (outcome === 'conflict') continue;
    if (outcome === 'gone' || outcome instanceof CareJourneyError) return outcome;
    // Committed: from here on nothing may throw.
    core.bus.emit('timer.fired', { journeyId: due.journeyId, key: due.key, owner: due.owner, dueAt: iso(due.dueAt) });
    await deliverCommitted(core, outcome.commit.outbox);
    return outcome.skipped ? 'skipped' : 'fired';
  }
  return new CareJourneyError('CJ_ERR_CONFLICT', `Timer "${due.key}" of journey "${due.journeyId}" kept conflicting with other writers; it stays pending.`, {
    journeyId: due.journeyId,
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
