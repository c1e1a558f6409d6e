import { FrozenCopies, isFrozenJson, type TimerRow } from '@carejourney/core';

/** A timer row's columns as SQLite returns them. */
export interface TimerColumns {
  readonly journey_id: string;
  readonly key: string;
  readonly owner: string;
  readonly due_at: number;
  readonly event: string | null;
  readonly payload: string | null;
}

interface Kept {
  readonly owner: string;
  readonly dueAt: number;
  readonly event: string | null;
  readonly payload: string | null;
  readonly value: TimerRow;
}

/**
 * A store's most recent timer rows, per journey and key: the columns the row holds and a frozen
 * value equal to decoding it. A read of a row whose columns are unchanged hands out that value
 * without parsing its JSON again, and the engine, finding the very row it checked (or committed),
 * does not check it again. A row with other columns (changed by another connection, by hand, or
 * damaged) is decoded as before. At most `capacity` rows are kept, the least recently used go first.
 *
 * @example
 * ```ts
 * const timers = new KeptTimers();
 * timers.committed('j1', timer, { event, payload }); // after the commit that wrote it
 * timers.decode(row, toTimer); // the kept value, or toTimer(row) frozen and kept
 * ```
 */
export class KeptTimers {
  readonly #rows = new Map<string, Kept>();
  readonly #copies = new FrozenCopies();

  constructor(readonly capacity = 4096) {}

  /**
   * The value of a row read from the table: the kept one when its columns are unchanged, else
   * `decode(row)` (which may throw for a damaged row: nothing is kept then), frozen and kept.
   */
  decode(row: TimerColumns, decode: (row: TimerColumns) => TimerRow): TimerRow {
    const id = keyOf(row.journey_id, row.key);
    const kept = this.#rows.get(id);
    if (kept && kept.owner === row.owner && kept.dueAt === row.due_at && kept.event === row.event && kept.payload === row.payload) {
      // Most recently used last.
      this.#rows.delete(id);
      this.#rows.set(id, kept);
      return kept.value;
    }
    const value = this.#copies.copy(decode(row));
    this.#keep(id, { owner: row.owner, dueAt: row.due_at, event: row.event, payload: row.payload, value });
    return value;
  }

  /**
   * Keeps a timer a commit of `journeyId` just wrote with these JSON texts, when it is the
   * engine's own frozen exact-JSON row of that journey with the fields a read gives back: a read
   * of the unchanged row then hands out that very object. Any other is decoded when first read.
   */
  committed(journeyId: string, timer: TimerRow, texts: { readonly event: string | null; readonly payload: string | null }): void {
    const id = keyOf(journeyId, timer.key);
    const fields = 4 + (timer.event === undefined ? 0 : 1) + (timer.payload === undefined ? 0 : 1);
    if (timer.journeyId !== journeyId || !isFrozenJson(timer) || Object.keys(timer).length !== fields) {
      this.#rows.delete(id);
      return;
    }
    this.#keep(id, { owner: timer.owner, dueAt: timer.dueAt, event: texts.event, payload: texts.payload, value: timer });
  }

  clear(): void {
    this.#rows.clear();
  }

  #keep(id: string, kept: Kept): void {
    this.#rows.delete(id);
    this.#rows.set(id, kept);
    if (this.#rows.size > this.capacity) {
      const oldest = this.#rows.keys().next();
      if (!oldest.done) this.#rows.delete(oldest.value);
    }
  }
}

/** One id per (journey, key): the id's length first, so no two pairs share one, whatever characters they hold. */
const keyOf = (journeyId: string, key: string) => `${journeyId.length}:${journeyId}${key}`;
