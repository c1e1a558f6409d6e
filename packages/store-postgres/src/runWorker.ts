import { CareJourneyError, type Clock, type FiredTimer } from '@carejourney/core';
import type { PostgresStore, TimerSubscription } from './PostgresStore.js';

/**
 * What the worker needs of an engine: any `createEngine(...)` result fits.
 *
 * @example
 * ```ts
 * const engine: WorkerEngine = createEngine({ definition: ketamineAnxietyJourney, store, protocol });
 * ```
 */
export interface WorkerEngine {
  /** The clock the engine's timers are due by. */
  readonly clock: Clock;
  /** Fires the timers due now, at most `limit` of them; see `JourneyEngine.runDue`. */
  runDue(options?: { limit?: number }): Promise<readonly FiredTimer[]>;
  /** Redelivers undelivered outbox items and returns how many; see `JourneyEngine.recover`. */
  recover(): Promise<number>;
}

/**
 * What one pass of the worker did, as `onPass` hears it.
 *
 * @example
 * ```ts
 * const onPass = ({ reason, fired, redelivered }: WorkerPass) =>
 *   log.info(`worker pass (${reason}): ${fired.length} timers fired, ${redelivered} items redelivered`);
 * ```
 */
export interface WorkerPass {
  /** Timers fired (and those reported with an error, which stay pending), over all the pass's batches. */
  readonly fired: readonly FiredTimer[];
  /** Outbox items redelivered for processes that died before delivering them. */
  readonly redelivered: number;
  /** Why the pass ran: the first one, a poll, or a notification of a timer due before the next poll. */
  readonly reason: 'start' | 'poll' | 'notified';
}

/**
 * Totals of a worker's life, returned when it stopped.
 *
 * @example
 * ```ts
 * const summary: WorkerSummary = await runWorker({ engine, store, signal });
 * log.info(`worker stopped after ${summary.passes} passes: ${summary.fired} fired, ${summary.errors} failed`);
 * ```
 */
export interface WorkerSummary {
  readonly passes: number;
  readonly fired: number;
  readonly redelivered: number;
  readonly errors: number;
}

/**
 * What {@link runWorker} runs and how often: the engine, its store, the signal that stops it, and
 * where it reports failed passes.
 *
 * @example
 * ```ts
 * const options: WorkerOptions = {
 *   engine,
 *   store,
 *   signal: controller.signal,
 *   pollMs: 2_000,
 *   onError: (error) => log.warn(error),
 * };
 * await runWorker(options);
 * ```
 */
export interface WorkerOptions {
  /** The engine whose timers fire and whose outbox is redelivered; its store must be `store`. */
  readonly engine: WorkerEngine;
  readonly store: PostgresStore;
  /** Abort to stop: the batch under way finishes, then the worker releases its timer claims and resolves. */
  readonly signal: AbortSignal;
  /** The longest sleep between passes, in ms (default 5 000). Keep the store's `notifyWithinMs` at least this long. */
  readonly pollMs?: number;
  /**
   * The most timers one `engine.runDue` call of a pass fires (default 200). A pass calls it again
   * while a batch comes back full, so a backlog is worked off in one pass; an abort waits for the
   * batch under way only. Keep one batch well within the store's `leaseMs`.
   */
  readonly batchSize?: number;
  /** Told about every failed pass (e.g. `CJ_ERR_STORE` while the database is away); the worker goes on. Default `process.emitWarning`. */
  readonly onError?: (error: unknown) => void;
  /** Told about every pass, for logs and metrics. */
  readonly onPass?: (pass: WorkerPass) => void;
}

/**
 * The long-running worker loop of a server: fires due timers (`engine.runDue()`) and redelivers
 * outbox items that a dead process left undelivered (`engine.recover()`), every `pollMs`, and at
 * once when a commit anywhere sets a timer due before the next poll (LISTEN/NOTIFY). Run one per
 * server process; timers are claimed with `FOR UPDATE SKIP LOCKED`, so every worker gets its own
 * and each timer fires once. Failures are reported to `onError` and retried on the next poll. Stops
 * cleanly when `signal` aborts: the promise resolves after the batch of timers under way (at most
 * `batchSize`), however many more are due.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const worker = runWorker({ engine, store, signal: controller.signal, onError: (e) => log.warn(e) });
 * process.once('SIGTERM', () => controller.abort());
 * await worker; // resolves once stopped
 * await store.close();
 * ```
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const { engine, store, signal } = options;
  const pollMs = options.pollMs ?? 5_000;
  if (!Number.isInteger(pollMs) || pollMs < 1) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'runWorker option pollMs must be a positive integer (milliseconds).', {
      issues: [{ path: 'pollMs', rule: 'invalid_option', message: 'must be a positive integer' }],
    });
  }
  const batchSize = options.batchSize ?? 200;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) {
    throw new CareJourneyError('CJ_ERR_INVALID_CONFIG', 'runWorker option batchSize must be an integer from 1 to 1,000,000 (timers per runDue call).', {
      issues: [{ path: 'batchSize', rule: 'invalid_option', message: 'must be an integer from 1 to 1,000,000' }],
    });
  }
  const onError = options.onError ?? ((error: unknown) => process.emitWarning(error instanceof Error ? error : new Error(String(error))));
  const totals = { passes: 0, fired: 0, redelivered: 0, errors: 0 };
  const report = (error: unknown) => {
    totals.errors++;
    try {
      onError(error);
    } catch {
      // A failing error handler must not stop the worker.
    }
  };

  // The earliest due time a notification announced, in the engine's clock; Infinity when none.
  let notifiedDue = Number.POSITIVE_INFINITY;
  let wake: (() => void) | undefined;
  const wakeUp = () => wake?.();
  signal.addEventListener('abort', wakeUp);

  let subscription: TimerSubscription | undefined;
  const subscribe = async () => {
    try {
      subscription = await store.listenForTimers(
        (dueAt) => {
          if (dueAt < notifiedDue) notifiedDue = dueAt;
          wakeUp();
        },
        (error) => {
          // The connection broke: poll until the next pass subscribes again.
          subscription = undefined;
          report(error);
        },
      );
    } catch (error) {
      report(error);
    }
  };

  const pass = async (reason: WorkerPass['reason']) => {
    totals.passes++;
    try {
      let redelivered = 0;
      if ((await store.unclaimedOutbox()) > 0) redelivered = await engine.recover();
      totals.redelivered += redelivered;
      const fired: FiredTimer[] = [];
      // A timer that failed stays claimed by this worker and comes back in every batch: it is
      // reported once per pass.
      const failed = new Set<string>();
      for (;;) {
        const batch = await engine.runDue({ limit: batchSize });
        let progressed = false;
        for (const timer of batch) {
          if (timer.error === undefined) {
            progressed = true;
          } else {
            // JSON of the pair, so no two timers share an id whatever their ids and keys hold.
            const id = JSON.stringify([timer.journeyId, timer.key]);
            if (failed.has(id)) continue;
            failed.add(id);
          }
          fired.push(timer);
          totals.fired++;
        }
        // A full batch may leave more due. One of failures only would come back the same.
        if (batch.length < batchSize || !progressed || signal.aborted) break;
      }
      options.onPass?.({ fired, redelivered, reason });
    } catch (error) {
      report(error);
    }
  };

  try {
    await subscribe();
    if (!signal.aborted) await pass('start');
    let nextPoll = Date.now() + pollMs;
    while (!signal.aborted) {
      const untilPoll = nextPoll - Date.now();
      const untilNotified = notifiedDue - engine.clock.now();
      const delay = Math.max(0, Math.min(untilPoll, untilNotified));
      if (delay > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      if (signal.aborted) break;
      const notified = notifiedDue <= engine.clock.now();
      if (!notified && Date.now() < nextPoll) continue;
      // Timers announced from here on belong to the next pass.
      notifiedDue = Number.POSITIVE_INFINITY;
      nextPoll = Date.now() + pollMs;
      if (subscription === undefined) await subscribe();
      await pass(notified ? 'notified' : 'poll');
    }
  } finally {
    signal.removeEventListener('abort', wakeUp);
    await subscription?.close();
    // Timers this worker could not fire (claimed, with an error) go back to the others at once.
    await store.releaseTimerClaims().catch(report);
  }
  return totals;
}
