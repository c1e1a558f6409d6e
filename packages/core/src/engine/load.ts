import type { AnyMachineSnapshot } from 'xstate';
import { CareJourneyError } from '../errors.js';
import { journeyRecordSchema, type JourneyRecord } from '../store/records.js';
import { describeIssues, zodIssues } from '../validation/zodIssues.js';
import type { EngineCore } from './EngineCore.js';
import { migrateSnapshot, restoreSnapshot } from './snapshotCodec.js';
import type { Refusal } from './validate.js';

/** A journey loaded from the store: its checked record and its restored (migrated) snapshot. */
export interface Loaded {
  readonly record: JourneyRecord;
  readonly snapshot: AnyMachineSnapshot;
}

export function notFound(journeyId: string): CareJourneyError {
  return new CareJourneyError('CJ_ERR_NOT_FOUND', `No journey "${String(journeyId).slice(0, 200)}" in the store.`, { journeyId: String(journeyId) });
}

/**
 * The load step: reads the record, checks it, migrates the snapshot of an older definition
 * version and restores it. A journey that cannot be loaded is a refusal for that journey only,
 * so the others (and `runDue` over them) keep working.
 */
export async function loadJourney(core: EngineCore, journeyId: string): Promise<Loaded | Refusal> {
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
        `Journey "${journeyId}" cannot be loaded: its stored record is malformed (${describeIssues(zodIssues(parsed.error, 'record'))}). It was left untouched.`,
        { journeyId },
      ),
    };
  }
  const record = parsed.data;
  if (record.definitionId !== definition.id) {
    return {
      refusal: new CareJourneyError(
        'CJ_ERR_MIGRATION',
        `Journey "${journeyId}" belongs to definition "${record.definitionId}", not "${definition.id}": load it with an engine for that definition.`,
        { journeyId },
      ),
    };
  }
  try {
    const persisted = migrateSnapshot(definition, journeyId, record.definitionVersion, record.snapshot);
    return { record, snapshot: restoreSnapshot(definition, journeyId, persisted) };
  } catch (error) {
    if (error instanceof CareJourneyError) return { refusal: error };
    throw error;
  }
}
