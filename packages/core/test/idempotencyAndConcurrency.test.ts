import { describe, expect, it } from 'vitest';
import { createEngine, ManualClock, MemoryStore, type JourneyCommit } from '../src/index.js';
import { actors, visitJourney } from './fixtures/visitJourney.js';
import { checkedInVisit, dump, must, T0, visitEngine } from './helpers.js';

/** A store whose commits wait at a gate, to interleave two engines deterministically. */
class GatedStore extends MemoryStore {
  gate: Promise<void> | null = null;
  commits = 0;
  conflicts = 0;
  override async commit(c: JourneyCommit): Promise<void> {
    if (this.gate) await this.gate;
    try {
      await super.commit(c);
      this.commits++;
    } catch (error) {
      this.conflicts++;
      throw error;
    }
  }
}

describe('idempotency', () => {
  it('applies the same idempotency key once and returns the first result', async () => {
    const { engine, store } = visitEngine();
    const id = await checkedInVisit(engine);
    const first = await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'vitals-1' }));
    const after = await dump(store, id);
    const again = await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'vitals-1' }));
    expect(again.duplicate).toBe(true);
    expect(first.duplicate).toBe(false);
    expect(again.entry).toEqual(first.entry);
    expect(await dump(store, id)).toEqual(after);
  });

  it('returns the first result for the same event sent with its key in another key order', async () => {
    const { engine, store } = visitEngine();
    const id = await checkedInVisit(engine);
    const first = await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'k' }));
    const after = await dump(store, id);
    const again = await must(engine.send(id, { diastolic: 80, systolic: 120, type: 'vitals.recorded' }, { actor: { role: 'nurse', id: 'n-1' }, idempotencyKey: 'k' }));
    expect(again).toMatchObject({ duplicate: true, entry: first.entry });
    expect(await dump(store, id)).toEqual(after);
  });

  it.each([
    ['another payload', { type: 'vitals.recorded', systolic: 150, diastolic: 95 }, actors.nurse, 'payload'],
    ['another event type', { type: 'adverse.event', severity: 'mild' }, actors.nurse, 'type'],
    ['another actor', { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { id: 'n-2', role: 'nurse' }, 'actor'],
  ] as const)('refuses the same key with %s (CJ_ERR_IDEMPOTENCY_MISMATCH) and changes nothing', async (_label, event, actor, differs) => {
    const { engine, store } = visitEngine();
    const id = await checkedInVisit(engine);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'k' }));
    await must(engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse }));
    const before = await dump(store, id);
    const seen: string[] = [];
    engine.on('transition', (n) => seen.push(n.entry.type));
    const again = await engine.send(id, event as never, { actor, idempotencyKey: 'k' });
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error.code).toBe('CJ_ERR_IDEMPOTENCY_MISMATCH');
    expect(again.error.message).toContain(`its ${differs} differs`);
    // The message names what differs, never the values.
    expect(again.error.message.replace(id, '<id>')).not.toMatch(/150|95|n-2|mild/);
    expect(await dump(store, id)).toEqual(before);
    expect(seen).toEqual([]);
  });

  it('applies once when the same key is sent concurrently through two engines', async () => {
    const store = new GatedStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock });
    const b = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(a);
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const pa = a.send(id, { type: 'vitals.recorded', systolic: 121, diastolic: 81 }, { actor: actors.nurse, idempotencyKey: 'same' });
    const pb = b.send(id, { type: 'vitals.recorded', systolic: 121, diastolic: 81 }, { actor: actors.nurse, idempotencyKey: 'same' });
    await new Promise((r) => setTimeout(r, 5));
    store.gate = null;
    open();
    const [ra, rb] = await Promise.all([pa, pb]);
    expect(ra.ok && rb.ok).toBe(true);
    expect([ra, rb].filter((r) => r.ok && r.duplicate)).toHaveLength(1);
    expect((await a.history(id)).filter((e) => e.idempotencyKey === 'same')).toHaveLength(1);
  });

  it('does not remember a refused event under its key', async () => {
    const { engine } = visitEngine();
    const id = await checkedInVisit(engine);
    const refused = await engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse, idempotencyKey: 'dose-1' });
    expect(refused.ok).toBe(false);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    const accepted = await must(engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse, idempotencyKey: 'dose-1' }));
    expect(accepted.duplicate).toBe(false);
    expect(accepted.view.stateLabel).toBe('observing');
  });
});

describe('expected version', () => {
  it('applies the event when the journey is still at the version the caller read', async () => {
    const { engine } = visitEngine();
    const id = await checkedInVisit(engine);
    const { version } = await engine.get(id);
    const r = await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, expectedVersion: version }));
    expect(r.view.version).toBe(version + 1);
  });

  it('refuses with CJ_ERR_CONFLICT when the journey moved on, and changes nothing', async () => {
    const { engine, store } = visitEngine();
    const id = await checkedInVisit(engine);
    const shown = await engine.get(id);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    const before = await dump(store, id);
    const r = await engine.send(id, { type: 'vitals.recorded', systolic: 150, diastolic: 95 }, { actor: actors.nurse, expectedVersion: shown.version });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CJ_ERR_CONFLICT');
    expect(r.error.details).toMatchObject({ journeyId: id, expectedVersion: shown.version, actualVersion: shown.version + 1 });
    expect(await dump(store, id)).toEqual(before);
  });

  it('is validated: a version that is not a positive integer is CJ_ERR_INVALID_EVENT', async () => {
    const { engine } = visitEngine();
    const id = await checkedInVisit(engine);
    for (const expectedVersion of [0, -1, 1.5, Number.NaN, '4']) {
      const r = await engine.send(id, { type: 'patient.arrived' }, { actor: actors.nurse, expectedVersion: expectedVersion as number });
      expect(!r.ok && r.error.details.issues?.[0]?.path, String(expectedVersion)).toBe('options.expectedVersion');
    }
  });

  it('a retry with the same idempotency key returns the first result even though the version moved on', async () => {
    const { engine } = visitEngine();
    const id = await checkedInVisit(engine);
    const { version } = await engine.get(id);
    const options = { actor: actors.nurse, idempotencyKey: 'form-1', expectedVersion: version };
    const first = await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, options));
    const again = await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, options));
    expect(again).toMatchObject({ duplicate: true, entry: first.entry });
  });
});

describe('optimistic concurrency', () => {
  it('retries on the reloaded snapshot when another engine commits first: no lost update', async () => {
    const store = new GatedStore();
    const clock = new ManualClock(T0);
    const a = createEngine({ definition: visitJourney, store, clock });
    const b = createEngine({ definition: visitJourney, store, clock });
    const id = await checkedInVisit(a);
    await must(a.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    await must(a.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse }));
    // Both engines load version N; A's commit waits at the gate until B's has landed.
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const pa = a.send(id, { type: 'adverse.event', severity: 'mild' }, { actor: actors.nurse });
    const pb = b.send(id, { type: 'adverse.event', severity: 'moderate' }, { actor: actors.physician });
    await new Promise((r) => setTimeout(r, 5));
    store.gate = null;
    open();
    const [ra, rb] = await Promise.all([pa, pb]);
    expect([ra.ok, rb.ok, JSON.stringify(ra.ok ? null : ra.error), JSON.stringify(rb.ok ? null : rb.error)]).toEqual([true, true, 'null', 'null']);
    expect(store.conflicts).toBeGreaterThanOrEqual(1);
    const journal = await a.history(id);
    const adverse = journal.filter((e) => e.type === 'adverse.event');
    expect(adverse.map((e) => e.payload['severity']).sort()).toEqual(['mild', 'moderate']);
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
  });

  it('gives up after the retry bound with CJ_ERR_CONFLICT and applies nothing', async () => {
    let sabotage = false;
    // Every commit of this engine loses the race: another writer bumps the version first.
    class RacingStore extends MemoryStore {
      override async commit(c: JourneyCommit): Promise<void> {
        if (sabotage) {
          const current = (await this.load(c.journey.id))!;
          await super.commit({ journey: { ...current, version: current.version + 1 }, expectedVersion: current.version, timersToSet: [], timersToCancel: [], outbox: [] });
        }
        return super.commit(c);
      }
    }
    const racing = new RacingStore();
    const { engine } = visitEngine({ store: racing, maxRetries: 2 });
    const id = await checkedInVisit(engine);
    sabotage = true;
    const r = await engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse });
    sabotage = false;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CJ_ERR_CONFLICT');
    expect(r.error.message).toContain('3 times');
    expect((await engine.history(id)).some((e) => e.type === 'vitals.recorded')).toBe(false);
    expect((await engine.get(id)).context['bp']).toBeNull();
  });

  it('serializes concurrent sends to one journey within one engine', async () => {
    const { engine } = visitEngine();
    const id = await checkedInVisit(engine);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => engine.send(id, { type: 'vitals.recorded', systolic: 100 + i, diastolic: 70 }, { actor: actors.nurse })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const journal = await engine.history(id);
    expect(journal.filter((e) => e.type === 'vitals.recorded')).toHaveLength(20);
    expect((await engine.get(id)).version).toBe(journal.length);
  });
});
