import type { AnyMachineSnapshot } from 'xstate';
import { CareJourneyError } from '../errors.js';
import { journeyRecordSchema, timerRowSchema, type JourneyRecord, type TimerRow } from '../store/records.js';
import { describeStoredIssues } from '../validation/zodIssues.js';
import type { EngineCore } from './EngineCore.js';
import { freezeNew, isFrozenJson } from '../store/freezeNew.js';
import { isKnownWellFormed, markWellFormed } from '../store/knownWellFormed.js';
import { migrateSnapshot, restoreSnapshot } from './snapshotCodec.js';
import type { Refusal } from './validate.js';

/** A journey loaded from the store: its checked record, its restored snapshot, its pending timers. */
export interface Loaded {
  readonly record: JourneyRecord;
  readonly snapshot: AnyMachineSnapshot;
  /** Pending timers, earliest first; rows of the wrong shape are left out (and never fired). */
  readonly timers: readonly TimerRow[];
}

/** Deeper than this, two values are taken as different (the cache then misses; nothing breaks). */
const MAX_DEPTH = 256;

/**
 * Pairs of values, frozen all through, already found equal as JSON: neither can change, so they
 * stay equal. A store that shares unchanged parts (MemoryStore) then costs what changed.
 */
const provenEqual = new WeakMap<object, object>();

/** True when a compared pair of parts needs no second look: primitives, or a proven pair. */
const settled = (mine: unknown, stored: unknown): boolean => typeof mine !== 'object' || mine === null || provenEqual.get(mine) === stored;

/**
 * True when `stored` is what a store keeps of `mine`: equal as JSON, value for value. `mine` is
 * the engine's own object (its properties holding `undefined` count as absent, as JSON leaves
 * them out); anything JSON would change (a Date, -0, NaN, a function) makes the two different.
 */
export function sameJson(mine: unknown, stored: unknown, depth = 0): boolean {
  if (typeof mine !== 'object' || mine === null) return Object.is(mine, stored);
  if (typeof stored !== 'object' || stored === null || depth > MAX_DEPTH) return false;
  // One object, frozen and proven exact JSON: a store that kept the engine's own value.
  if (mine === stored && isFrozenJson(mine)) return true;
  let frozen = Object.isFrozen(mine) && Object.isFrozen(stored);
  if (frozen && provenEqual.get(mine) === stored) return true;
  if (Array.isArray(mine)) {
    if (!Array.isArray(stored) || stored.length !== mine.length) return false;
    for (let i = 0; i < mine.length; i++) {
      if (!sameJson(mine[i], stored[i], depth + 1)) return false;
      if (frozen && !settled(mine[i], stored[i])) frozen = false;
    }
    if (frozen) provenEqual.set(mine, stored);
    return true;
  }
  if (Array.isArray(stored)) return false;
  const proto: unknown = Object.getPrototypeOf(mine);
  if ((proto !== Object.prototype && proto !== null) || typeof (mine as { toJSON?: unknown }).toJSON === 'function') return false;
  let count = 0;
  for (const key of Object.keys(mine)) {
    const value = (mine as Record<string, unknown>)[key];
    if (value === undefined) continue;
    count++;
    if (!Object.hasOwn(stored, key)) return false;
    const other = (stored as Record<string, unknown>)[key];
    if (!sameJson(value, other, depth + 1)) return false;
    if (frozen && !settled(value, other)) frozen = false;
  }
  if (count !== Object.keys(stored).length) return false;
  if (frozen) provenEqual.set(mine, stored);
  return true;
}

interface CachedSnapshot {
  /** The store's version when this snapshot was last confirmed against the stored one. */
  version: number;
  snapshot: AnyMachineSnapshot;
  /** Its stored form (the protocol by ref); the snapshot's context is frozen, so it cannot drift. */
  persisted: unknown;
  /** The snapshot the last transition of `snapshot` produced: what this engine is committing. */
  successor?: AnyMachineSnapshot;
}

/**
 * Each engine's cache of the snapshots it restored (checked by zod and migrated) or produced by a
 * transition, per journey, the most recent 256 journeys. A load still reads the record from the
 * store and checks it; the cached snapshot is used only when the stored snapshot equals it
 * value for value (at the definition's version), so a journey another engine or process changed,
 * or a damaged row, is restored and checked again exactly as without the cache. It saves the
 * snapshot's schema check and XState's restore on every event of a journey this engine just
 * committed: a transition of a checked snapshot needs no second check of what it did not change.
 *
 * @example
 * ```ts
 * const snapshots = new LoadedSnapshots((snapshot) => core.stored(snapshot).snapshot);
 * snapshots.remember(record, restored); // after a full load
 * snapshots.lookup(record, definition.version); // the same snapshot, or undefined
 * ```
 */
export class LoadedSnapshots {
  readonly #entries = new Map<string, CachedSnapshot>();
  /** Which journey a snapshot handed out by `loadJourney` belongs to, to follow its transitions. */
  readonly #journeyOf = new WeakMap<AnyMachineSnapshot, string>();
  /** The pending timers this engine's own commit left with a snapshot, at the version it wrote. */
  readonly #timersOf = new WeakMap<AnyMachineSnapshot, { readonly version: number; readonly timers: readonly TimerRow[] }>();

  /** `persist` gives a snapshot's stored form, as the engine commits it. */
  constructor(
    readonly persist: (snapshot: AnyMachineSnapshot) => unknown,
    readonly capacity = 256,
  ) {}

  /** A snapshot equal to the stored one of `record`, or `undefined` (restore and check it). */
  lookup(record: JourneyRecord, definitionVersion: number): AnyMachineSnapshot | undefined {
    const entry = this.#entries.get(record.id);
    if (!entry) return undefined;
    this.#entries.delete(record.id);
    if (record.definitionVersion !== definitionVersion) return undefined;
    // The store is newer than what was confirmed: is it what this engine committed since?
    if (entry.successor && record.version > entry.version) {
      const persisted = this.persist(entry.successor);
      if (sameJson(persisted, record.snapshot)) {
        const snapshot = entry.successor;
        this.#keep(record, { version: record.version, snapshot, persisted });
        return snapshot;
      }
    }
    // Unchanged (a refused event, a read, a commit of timers only), or changed by another writer.
    if (!sameJson(entry.persisted, record.snapshot)) return undefined;
    this.#keep(record, { version: record.version, snapshot: entry.snapshot, persisted: entry.persisted });
    return entry.snapshot;
  }

  /** Keeps a snapshot restored from `record` and checked. */
  remember(record: JourneyRecord, snapshot: AnyMachineSnapshot): void {
    this.#entries.delete(record.id);
    this.#keep(record, { version: record.version, snapshot, persisted: this.persist(snapshot) });
  }

  /** Records that a transition of `from` produced `next` (called for every pure transition). */
  produced(from: AnyMachineSnapshot, next: AnyMachineSnapshot): void {
    const journeyId = this.#journeyOf.get(from);
    const entry = journeyId === undefined ? undefined : this.#entries.get(journeyId);
    if (entry?.snapshot === from) entry.successor = next;
  }

  /**
   * Records the pending timers a commit of this engine left at `version`, with the snapshot it
   * committed. Every change of a journey's timers is a commit, and every commit a new version, so
   * while the store is at that version they are what it holds.
   */
  committed(snapshot: AnyMachineSnapshot, version: number, timers: readonly TimerRow[]): void {
    this.#timersOf.set(snapshot, { version, timers });
  }

  /** The timers recorded with `snapshot` when they are of the store's `version`; else `undefined`. */
  timersAt(snapshot: AnyMachineSnapshot, version: number): readonly TimerRow[] | undefined {
    const known = this.#timersOf.get(snapshot);
    return known?.version === version ? known.timers : undefined;
  }

  #keep(record: JourneyRecord, entry: CachedSnapshot): void {
    this.#entries.set(record.id, entry);
    this.#journeyOf.set(entry.snapshot, record.id);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}

export function notFound(journeyId: string): CareJourneyError {
  return new CareJourneyError('CJ_ERR_NOT_FOUND', `No journey "${journeyId}" in the store.`, { journeyId });
}

/** The timer rows of a journey that have the shape of a timer. */
export function wellFormedTimers(rows: readonly unknown[]): TimerRow[] {
  const timers: TimerRow[] = [];
  for (const row of rows) {
    if (isKnownWellFormed('timer', row)) {
      timers.push(row as TimerRow);
      continue;
    }
    const parsed = timerRowSchema.safeParse(row);
    if (!parsed.success) continue;
    timers.push(parsed.data);
    markWellFormed('timer', row);
  }
  return timers;
}

/**
 * The load step: reads the record and the pending timers, checks them, migrates the snapshot of
 * an older definition version and restores it (or takes it from the engine's
 * {@link LoadedSnapshots} when the stored snapshot is one it already checked or produced).
 * `timers` are the journey's pending timers when the caller read them already; `'known'` takes
 * the ones this engine's last commit left when the store is still at that commit's version
 * (a send shows them in its view; a timer fires with them when its due row matches the one
 * committed), and reads them otherwise. A journey that cannot be loaded is a refusal for
 * that journey only, so the others (and `runDue` over them) keep working. Error messages name
 * the journey and the rule broken, never the stored content.
 */
export async function loadJourney(core: EngineCore, journeyId: string, timers?: readonly TimerRow[] | 'known'): Promise<Loaded | Refusal> {
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
  // A record checked before (or committed by an engine) and unable to change since is not checked again.
  const parsed = isKnownWellFormed('record', raw) ? { success: true as const, data: raw } : journeyRecordSchema.safeParse(raw);
  if (parsed.success) markWellFormed('record', raw);
  else {
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
  let snapshot = core.snapshots.lookup(record, definition.version);
  if (!snapshot) {
    try {
      // The protocol goes back in place of its ref before migrations see the snapshot.
      const stored = definition.protocol ? await core.protocols.fromStored(core.store, journeyId, record.snapshot) : record.snapshot;
      const persisted = migrateSnapshot(definition, journeyId, record.definitionVersion, stored);
      snapshot = restoreSnapshot(definition, journeyId, persisted);
    } catch (error) {
      if (error instanceof CareJourneyError) return { refusal: error };
      throw error;
    }
    freezeNew(snapshot.context);
    // Migrated snapshots are not kept: the stored one is older and never equals them.
    if (record.definitionVersion === definition.version) core.snapshots.remember(record, snapshot);
  }
  const given = timers === 'known' ? core.snapshots.timersAt(snapshot, record.version) : timers;
  return { record, snapshot, timers: given ?? wellFormedTimers(await core.store.listTimers(journeyId)) };
}
