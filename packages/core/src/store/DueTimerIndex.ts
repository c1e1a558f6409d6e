import { byCodePoint } from './byCodePoint.js';
import type { TimerRow } from './records.js';

/** The order `dueTimers` returns timers in: due time, then journey id, then key, by code point (as the SQL stores sort). */
export const byDue = (a: TimerRow, b: TimerRow): number => a.dueAt - b.dueAt || byCodePoint(a.journeyId, b.journeyId) || byCodePoint(a.key, b.key);

/** A chunk is split when it grows past this; small enough to splice cheaply, large enough to be few. */
const MAX_CHUNK = 512;

/**
 * Every pending timer of a store, ordered by (dueAt, journeyId, key): `dueTimers` reads only the
 * due prefix instead of scanning every journey. A list of sorted chunks keeps insertion and
 * removal at O(√n) moves with no rebalancing. Rows are held by reference; the store owns them
 * and replaces (never edits) a row when a timer is set again.
 *
 * @example
 * ```ts
 * const index = new DueTimerIndex();
 * index.add(row);
 * index.due(clock.now(), 100); // earliest first
 * index.remove(row); // the row that was added
 * ```
 */
export class DueTimerIndex {
  #chunks: TimerRow[][] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The first chunk whose last row sorts at or after `row` (or the last chunk). */
  #chunkFor(row: TimerRow): number {
    let lo = 0;
    let hi = this.#chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.#chunks[mid]!;
      if (byDue(chunk[chunk.length - 1]!, row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The position of the first row of `chunk` that sorts at or after `row`. */
  static #position(chunk: readonly TimerRow[], row: TimerRow): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byDue(chunk[mid]!, row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds a row; its (journeyId, key) must not be indexed already (remove the old row first). */
  add(row: TimerRow): void {
    this.#size++;
    if (this.#chunks.length === 0) {
      this.#chunks.push([row]);
      return;
    }
    const c = this.#chunkFor(row);
    const chunk = this.#chunks[c]!;
    chunk.splice(DueTimerIndex.#position(chunk, row), 0, row);
    if (chunk.length > MAX_CHUNK) this.#chunks.splice(c + 1, 0, chunk.splice(MAX_CHUNK >>> 1));
  }

  /** Removes this row (the same object that was added); absent rows are ignored. */
  remove(row: TimerRow): void {
    // Rows that sort equal (a commit may name another journey in a row) are told apart by identity.
    for (let c = this.#chunks.length === 0 ? 0 : this.#chunkFor(row); c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c]!;
      for (let i = DueTimerIndex.#position(chunk, row); i < chunk.length; i++) {
        const found = chunk[i]!;
        if (found === row) {
          chunk.splice(i, 1);
          this.#size--;
          if (chunk.length === 0) this.#chunks.splice(c, 1);
          return;
        }
        if (byDue(found, row) !== 0) return;
      }
    }
  }

  /** Rows due at or before `now`, earliest first, at most `limit`: walks only the due prefix. */
  due(now: number, limit: number): TimerRow[] {
    const out: TimerRow[] = [];
    for (const chunk of this.#chunks) {
      for (const row of chunk) {
        if (out.length >= limit || row.dueAt > now) return out;
        out.push(row);
      }
    }
    return out;
  }
}
