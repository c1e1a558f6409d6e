import { describe, expect, it } from 'vitest';
import { createEngine, ManualClock, MemoryStore } from '../src/index.js';
import { actors, visitJourney } from './fixtures/visitJourney.js';

describe('smoke', () => {
  it('runs a visit', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const engine = createEngine({ definition: visitJourney, store: new MemoryStore(), clock });
    const v = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    expect(v.stateLabel).toBe('referral');
    expect(v.blockedEvents).toEqual([{ type: 'visit.book', guard: 'consentRecorded', reason: expect.stringContaining('Consent') }]);
    const r1 = await engine.send(v.id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.error.code).toBe('CJ_ERR_GUARD');
    await engine.send(v.id, { type: 'consent.recorded' }, { actor: actors.physician });
    const r2 = await engine.send(v.id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator });
    expect(r2.ok && r2.view.stateLabel).toBe('booked');
    expect(r2.ok && r2.view.timers.map((t) => t.dueAt)).toEqual(['2026-01-06T10:30:00.000Z']);
  });
});
