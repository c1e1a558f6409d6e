import { FrozenCopies, isFrozenJson, type JourneyRecord, type JourneySummary } from '@carejourney/core';

/**
 * A store's most recent snapshots, per journey: the exact text its row holds and a frozen value
 * equal to `JSON.parse` of it. A load whose row still holds that text hands out the value without
 * parsing it again, and the engine's load check, finding its own frozen parts, compares only what
 * changed. A row changed behind the store's back holds other text: it is parsed as before.
 * With the snapshot it keeps the frozen record it last handed out or was committed: a load of a
 * row whose summary columns are unchanged too hands out that very record, which the engine
 * knows it checked.
 *
 * @example
 * ```ts
 * const texts = new SnapshotTexts();
 * texts.remember('j1', text, snapshot); // after the commit that wrote `text`
 * texts.valueOf('j1', row.snapshot); // the frozen value, or undefined: parse the text
 * texts.recordOf('j1', summary); // after valueOf found it: the kept record with that summary
 * ```
 */
export class SnapshotTexts {
  readonly #entries = new Map<string, { readonly text: string; readonly value: unknown; record?: JourneyRecord; seenAt?: number }>();
  /** Shares with earlier copies what did not change; an engine's own frozen snapshot is its own copy. */
  readonly #copies = new FrozenCopies();

  /** Characters of text kept in all. */
  #chars = 0;

  /**
   * At most `capacity` journeys and `maxChars` characters of snapshot text in all (the values
   * share most of their parts with the engine's own snapshots); the least recently used go first.
   */
  constructor(
    readonly capacity = 256,
    readonly maxChars = 4_000_000,
  ) {}

  /**
   * Keeps the journey's snapshot written as `text` (`JSON.stringify(value)`) and returns the kept
   * frozen value. A value frozen and proven exact JSON is kept as it is; any other is read back
   * from the text, so what is kept is what a parse of the row gives even if reading `value` again
   * would not (a getter). Never throws: what cannot be kept is dropped, and `undefined` returned.
   */
  remember(journeyId: string, text: string, value: unknown, record?: JourneyRecord): unknown {
    try {
      const kept = this.#keep(journeyId, text, isFrozenJson(value) ? value : (JSON.parse(text) as unknown));
      // The engine's own record, frozen and proven exact JSON, holding the kept snapshot: handed
      // out as it is while the row is unchanged. Any other is copied when it is first loaded.
      const entry = this.#entries.get(journeyId);
      if (entry && record && record.snapshot === kept && isFrozenJson(record) && Object.keys(record).length === RECORD_KEYS) entry.record = record;
      return kept;
    } catch {
      // Called once the commit is written: a value that cannot be kept is read from its row next
      // time, and the commit is not reported as failed.
      this.forget(journeyId);
      return undefined;
    }
  }

  /**
   * Keeps `parsed`, which is `JSON.parse(text)` of a row just read, and returns the kept frozen
   * value. A value nested deeper than a copy can go (a hand-edited or damaged row) is returned as
   * parsed, neither frozen nor kept, so the engine refuses the journey as it would without this.
   */
  rememberParsed(journeyId: string, text: string, parsed: unknown): unknown {
    try {
      return this.#keep(journeyId, text, parsed);
    } catch {
      this.forget(journeyId);
      return parsed;
    }
  }

  #keep(journeyId: string, text: string, value: unknown): unknown {
    const copy = this.#copies.copy(value);
    this.forget(journeyId);
    if (text.length > this.maxChars) return copy;
    this.#entries.set(journeyId, { text, value: copy });
    this.#chars += text.length;
    while (this.#entries.size > this.capacity || this.#chars > this.maxChars) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
    return copy;
  }

  /** The kept value when the row holds exactly the kept text; otherwise `undefined`. */
  valueOf(journeyId: string, text: unknown): unknown {
    const entry = this.#entries.get(journeyId);
    if (!entry) return undefined;
    if (entry.text !== text) {
      this.forget(journeyId);
      return undefined;
    }
    // Most recently used last.
    this.#entries.delete(journeyId);
    this.#entries.set(journeyId, entry);
    return entry.value;
  }

  /**
   * The kept record of a journey whose row {@link valueOf} just found unchanged, when its summary
   * columns read are `summary`: the same frozen object each time while the row does not change
   * (a new one when a column changed behind the store's back). `undefined` when nothing is kept.
   */
  recordOf(journeyId: string, summary: JourneySummary): JourneyRecord | undefined {
    const entry = this.#entries.get(journeyId);
    if (!entry) return undefined;
    if (entry.record && sameSummary(entry.record, summary)) return entry.record;
    try {
      entry.record = this.#copies.copy({ ...summary, snapshot: entry.value });
    } catch {
      return undefined;
    }
    return entry.record;
  }

  /**
   * Notes that the journey's row held the kept text and record when the database's
   * `PRAGMA data_version` read `dataVersion` (or later): another connection's commit changes
   * that number, this connection's own commits do not. Read it before the row, or inside the
   * transaction that wrote it, never after: a commit in between then only makes the note stale.
   */
  seen(journeyId: string, dataVersion: number): void {
    const entry = this.#entries.get(journeyId);
    if (entry?.record) entry.seenAt = dataVersion;
  }

  /**
   * The kept record of the journey when nothing but this connection has committed to the
   * database since {@link seen} noted it (`dataVersion` is what `PRAGMA data_version` reads now):
   * its row is then exactly what this connection last wrote or read, and need not be read.
   */
  unchangedRecord(journeyId: string, dataVersion: number): JourneyRecord | undefined {
    const entry = this.#entries.get(journeyId);
    if (!entry?.record || entry.seenAt !== dataVersion) return undefined;
    this.#entries.delete(journeyId);
    this.#entries.set(journeyId, entry);
    return entry.record;
  }

  forget(journeyId: string): void {
    const entry = this.#entries.get(journeyId);
    if (!entry) return;
    this.#entries.delete(journeyId);
    this.#chars -= entry.text.length;
  }

  clear(): void {
    this.#entries.clear();
    this.#chars = 0;
  }
}

/** A record's fields: the summary's and the snapshot. */
const RECORD_KEYS = 12;

/** True when a kept record has exactly the summary columns just read. */
function sameSummary(record: JourneyRecord, summary: JourneySummary): boolean {
  return (
    record.id === summary.id &&
    record.definitionId === summary.definitionId &&
    record.definitionVersion === summary.definitionVersion &&
    record.patientRef === summary.patientRef &&
    record.version === summary.version &&
    record.lastSeq === summary.lastSeq &&
    record.state === summary.state &&
    record.phase === summary.phase &&
    record.status === summary.status &&
    record.createdAt === summary.createdAt &&
    record.updatedAt === summary.updatedAt
  );
}
