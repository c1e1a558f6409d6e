/**
 * Serializes work on one journey within one engine, so two sends to the same journey never
 * interleave between load and commit. Other processes are kept apart by the store's versions.
 */
export class JourneyLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(journeyId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(journeyId);
    // Uncontended (the usual case): run at once, with no extra promise hops.
    const run = previous ? previous.then(fn, fn) : fn();
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(journeyId, tail);
    try {
      return await run;
    } finally {
      if (this.#tails.get(journeyId) === tail) this.#tails.delete(journeyId);
    }
  }
}
