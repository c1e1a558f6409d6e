// The random choices of a walk: from fast-check's `fc.gen()` (replayable and shrinkable) or from a
// seeded generator (for the violation collector).
import fc from 'fast-check';

export interface Rand {
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; entries with weight 0 are never picked. */
  weighted<T>(items: readonly (readonly [number, T])[]): T;
}

abstract class BaseRand implements Rand {
  abstract int(min: number, max: number): number;
  chance(p: number): boolean {
    return this.int(0, 9_999) < p * 10_000;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(0, items.length - 1)] as T;
  }
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const live = items.filter(([w]) => w > 0);
    const total = live.reduce((s, [w]) => s + w, 0);
    let roll = this.int(0, Math.max(0, Math.ceil(total) - 1));
    for (const [w, item] of live) {
      if (roll < w) return item;
      roll -= w;
    }
    const last = live.at(-1);
    if (!last) throw new Error('weighted pick from nothing');
    return last[1];
  }
}

/** Choices drawn from fast-check's generator: shrinking moves them towards the first option. */
export class GenRand extends BaseRand {
  constructor(private readonly g: fc.GeneratorValue) {
    super();
  }
  int(min: number, max: number): number {
    return max <= min ? min : this.g(fc.integer, { min, max });
  }
}

/** A small seeded generator (mulberry32). */
export class SeededRand extends BaseRand {
  #s: number;
  constructor(seed: number) {
    super();
    this.#s = seed >>> 0;
  }
  int(min: number, max: number): number {
    if (max <= min) return min;
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    return min + Math.floor(r * (max - min + 1));
  }
}
