// Journeys stored by version 1 of the ketamine definition load, migrate and go on under version 2.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type JourneyRecord, type TimerRow } from '../../src/index.js';
import { Harness, observeAndDischarge } from './harness.js';

const nurse = { id: 'nurse-1', role: 'nurse' } as const;
const physician = { id: 'md-1', role: 'physician' } as const;

function fixture(name: string): { definitionVersion: number; snapshot: unknown; timers: TimerRow[] } {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));
}

async function loadV1(name: string, now: string) {
  const { snapshot, timers } = fixture(name);
  const store = new MemoryStore();
  const record: JourneyRecord = {
    id: 'ket-v1',
    definitionId: 'ketamine-anxiety',
    definitionVersion: 1,
    patientRef: 'pt-0001',
    version: 1,
    lastSeq: 1,
    snapshot,
    state: 'care.clinical.treatment.course.induction.session.preDose|care.therapy.notLinked',
    phase: 'induction',
    status: 'active',
    createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: now,
  };
  await store.commit({ journey: record, expectedVersion: 0, timersToSet: timers.map((t) => ({ ...t, journeyId: 'ket-v1' })), timersToCancel: [], outbox: [] });
  const clock = new ManualClock(now);
  const engine = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true } });
  return { engine, store, clock };
}

describe('version-1 ketamine journeys', () => {
  it('a session checked in under version 1 keeps its records as append-only lists, and its blocks', async () => {
    const { engine, store } = await loadV1('ketamine-v1-predose', '2026-03-12T09:00:00Z');
    const view = await engine.get('ket-v1');
    expect(view.definitionVersion).toBe(2);
    const pd = view.context.session?.preDose;
    expect(pd?.vitals.map((v) => `${v.systolic}/${v.diastolic}`)).toEqual(['150/92']);
    expect(pd?.bpOverrides).toMatchObject([{ coversReadings: 1, reading: { systolic: 150 } }]);
    expect(pd?.blocking).toMatchObject([{ kind: 'new-finding', detail: 'New since the last session: new-medication', cleared: null }]);
    expect(view.context.protocol).toMatchObject({ timeZone: 'UTC', acceptUnconfirmedDefaults: true, clinicDays: [1, 2, 3, 4, 5, 6, 7] });
    // Version 2's rules apply from here on: the finding still blocks, and co-medications are confirmed per session.
    expect(view.blockedEvents.find((b) => b.type === 'dose.recorded')?.reason).toContain('New since the last session: new-medication: a physician must clear it before dosing');
    const r = await engine.send('ket-v1', { type: 'predose.findingCleared', reason: 'No interaction with the new medication' }, { actor: physician });
    expect(r.ok).toBe(true);
    expect((await store.load('ket-v1'))?.definitionVersion).toBe(2);
  });

  it('a dosed session stored under version 1 is observed and discharged under version 2', async () => {
    const { engine, clock, store } = await loadV1('ketamine-v1-dosed', '2026-03-12T09:40:00Z');
    const view = await engine.get('ket-v1');
    expect(view.stateLabel).toBe('care.clinical.treatment.course.induction.session.dosed.monitoring|care.therapy.notLinked');
    expect(view.context.session).toMatchObject({ stopped: null, transfer: null, dose: { amountMg: 56, plannedMg: null } });
    // A stop rule under version 2 stops the session and keeps the patient observed.
    const stopped = await engine.send('ket-v1', { type: 'monitoring.vitalsRecorded', systolic: 205, diastolic: 100, heartRate: 90, spo2: 97 }, { actor: nurse });
    expect(stopped.ok && stopped.view.context.session?.stopped?.kind).toBe('stop-rule');
    const done = await observeAndDischarge(Harness.attach({ engine, clock, store, id: 'ket-v1' }));
    expect(done.context.sessions.at(-1)).toMatchObject({ number: 2, outcome: 'aborted' });
  });
});
