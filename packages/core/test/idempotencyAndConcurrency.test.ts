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

  it('returns the first result even when the retry carries a different payload', async () => {
    const { engine } = visitEngine();
    const id = await checkedInVisit(engine);
    const first = await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse, idempotencyKey: 'k' }));
    const again = await must(engine.send(id, { type: 'vitals.recorded', systolic: 150, diastolic: 95 }, { actor: actors.nurse, idempotencyKey: 'k' }));
    expect(again.entry.payload).toEqual({ systolic: 120, diastolic: 80 });
    expect(again.entry.seq).toBe(first.entry.seq);
    expect((await engine.get(id)).context['bp']).toEqual({ systolic: 120, diastolic: 80 });
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
