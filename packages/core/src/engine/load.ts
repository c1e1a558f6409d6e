import type { AnyMachineSnapshot } from 'xstate';
import { CareJourneyError } from '../errors.js';
import { journeyRecordSchema, timerRowSchema, type JourneyRecord, type TimerRow } from '../store/records.js';
import { describeStoredIssues } from '../validation/zodIssues.js';
import type { EngineCore } from './EngineCore.js';
import { migrateSnapshot, restoreSnapshot } from './snapshotCodec.js';
import type { Refusal } from './validate.js';

/** A journey loaded from the store: its checked record, its restored snapshot, its pending timers. */
export interface Loaded {
  readonly record: JourneyRecord;
  readonly snapshot: AnyMachineSnapshot;
  /** Pending timers, earliest first; rows of the wrong shape are left out (and never fired). */
  readonly timers: readonly TimerRow[];
}

export function notFound(journeyId: string): CareJourneyError {
  return new CareJourneyError('CJ_ERR_NOT_FOUND', `No journey "${journeyId}" in the store.`, { journeyId });
}

/** The timer rows of a journey that have the shape of a timer. */
export function wellFormedTimers(rows: readonly unknown[]): TimerRow[] {
  const timers: TimerRow[] = [];
  for (const row of rows) {
    const parsed = timerRowSchema.safeParse(row);
    if (parsed.success) timers.push(parsed.data);
  }
  return timers;
}

/**
 * The load step: reads the record and the pending timers, checks them, migrates the snapshot of
 * an older definition version and restores it. A journey that cannot be loaded is a refusal for
 * that journey only, so the others (and `runDue` over them) keep working. Error messages name
 * the journey and the rule broken, never the stored content.
 */
export async function loadJourney(core: EngineCore, journeyId: string, timers?: readonly TimerRow[]): Promise<Loaded | Refusal> {
  const { definition } = core;
  let raw: JourneyRecord | undefined;
  try {
    raw = await core.store.load(journeyId);
  } catch (error) {
    // A store that cannot even parse the row names the journey.
    if (error instanceof CareJourneyError && error.code === 'CJ_ERR_CORRUPT_SNAPSHOT') return { refusal: error };
    throw error;
  }
  if (!raw) return { refusal: notFound(journeyId) };
  const parsed = journeyRecordSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      refusal: new CareJourneyError(
        'CJ_ERR_CORRUPT_SNAPSHOT',
        `Journey "${journeyId}" cannot be loaded: its stored record is malformed (${describeStoredIssues(parsed.error, 'record')}). It was left untouched.`,
        { journeyId },
      ),
    };
  }
  const record = parsed.data;
  if (record.definitionId !== definition.id) {
    return {
      refusal: new CareJourneyError('CJ_ERR_MIGRATION', `Journey "${journeyId}" belongs to another definition, not "${definition.id}": load it with an engine for its definition.`, {
        journeyId,
      }),
    };
  }
  let snapshot: AnyMachineSnapshot;
  try {
    const persisted = migrateSnapshot(definition, journeyId, record.definitionVersion, record.snapshot);
    snapshot = restoreSnapshot(definition, journeyId, persisted);
  } catch (error) {
    if (error instanceof CareJourneyError) return { refusal: error };
    throw error;
  }
  return { record, snapshot, timers: timers ?? wellFormedTimers(await core.store.listTimers(journeyId)) };
}
