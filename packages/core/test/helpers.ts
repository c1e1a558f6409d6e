import { createEngine, ManualClock, MemoryStore, type CareJourneyPlugin, type JourneyStore } from '../src/index.js';
import { actors, visitJourney } from './fixtures/visitJourney.js';

export const T0 = '2026-01-05T09:00:00.000Z';

/** Everything stored about one journey, including undelivered outbox items. */
export async function dump(store: JourneyStore, journeyId: string) {
  return {
    record: await store.load(journeyId),
    journal: await store.readJournal(journeyId),
    timers: await store.listTimers(journeyId),
    outbox: await store.pendingOutbox(10_000, journeyId),
  };
}

export function visitEngine(options: { store?: JourneyStore; clock?: ManualClock; plugins?: CareJourneyPlugin[]; maxRetries?: number } = {}) {
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? new ManualClock(T0);
  const engine = createEngine({
    definition: visitJourney,
    store,
    clock,
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
  return { engine, store, clock };
}

/** Starts a visit and takes it to `checkedIn` with consent and a slot tomorrow at 10:00. */
export async function checkedInVisit(engine: ReturnType<typeof visitEngine>['engine']) {
  const view = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
  await must(engine.send(view.id, { type: 'consent.recorded' }, { actor: actors.physician }));
  await must(engine.send(view.id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
  await must(engine.send(view.id, { type: 'patient.arrived' }, { actor: actors.nurse }));
  return view.id;
}

/** Awaits a send and fails loudly if it was refused. */
export async function must<T extends { ok: boolean }>(p: Promise<T>): Promise<T & { ok: true }> {
  const r = await p;
  if (!r.ok) throw new Error(`expected the event to be applied, got ${JSON.stringify((r as unknown as { error: unknown }).error)}`);
  return r as T & { ok: true };
}
