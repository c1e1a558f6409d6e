// What core exports as data (vocabularies, the policy, the rules, defaults, the error catalogue,
// the esketamine label) is frozen all through: the engine reads these while it runs, so changing
// one in place (by mistake, or by a plugin) would change which events it accepts. A journey
// definition keeps frozen copies of what it checked.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as core from '../src/index.js';
import { createEngine, defineJourney, ketamineAnxietyJourney, ketamineJourneyPolicy, ManualClock, MemoryStore } from '../src/index.js';
import { exportedData, unfrozenPart } from './fixtures/unfrozenPart.js';
import { actors, visitJourney, visitJourneyConfig } from './fixtures/visitJourney.js';

describe('exported data is frozen all through', () => {
  const data = exportedData(core);

  it('covers the vocabularies, the policy, the rules and the defaults', () => {
    const names = data.map(([name]) => name);
    for (const name of ['ROUTES', 'CONTRAINDICATIONS', 'HOLD_SIGNALS', 'ketamineJourneyPolicy', 'ketamineJourneyRules', 'KETAMINE_RULE_PARAMETERS', 'UNCONFIRMED_DEFAULTS', 'DEFAULT_INPUT_LIMITS', 'SYSTEM_ACTOR', 'ERROR_CATALOGUE', 'ESKETAMINE_LABEL', 'ketamineJourneyEvents', 'ketamineAnxietyJourney']) {
      expect(names).toContain(name);
    }
  });

  it.each(data.map(([name, value]) => [name, value] as const))('%s', (name, value) => {
    expect(unfrozenPart(value, name)).toBeUndefined();
  });

  it('changing the shipped policy or rules in place throws, and the engine still refuses what they refuse', async () => {
    expect(() => (ketamineJourneyPolicy.events['dose.recorded'] as unknown as string[]).push('patient')).toThrow(TypeError);
    expect(() => {
      (core.ketamineJourneyRules as Record<string, unknown>)['preDoseChecksPassed'] = { check: () => true };
    }).toThrow(TypeError);
    expect(() => {
      (core.DEFAULT_INPUT_LIMITS as { maxDepth: number }).maxDepth = 1e9;
    }).toThrow(TypeError);
    expect(() => {
      (core.ketamineJourneyEvents as Record<string, unknown>)['dose.recorded'] = z.any();
    }).toThrow(TypeError);
    const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock: new ManualClock('2026-03-02T08:00:00Z'), protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true } });
    const view = await engine.start({ patientRef: 'pt-1', input: { referral: { source: 'professional', indication: 'generalized-anxiety' } }, actor: { id: 'c-1', role: 'coordinator' } });
    const refused = await engine.send(view.id, { type: 'referral.accepted' }, { actor: { id: 'p-1', role: 'patient' } });
    expect(refused.ok || refused.error.code).toBe('CJ_ERR_FORBIDDEN');
    // The safe twin: the role the policy names is accepted.
    expect((await engine.send(view.id, { type: 'referral.accepted' }, { actor: { id: 'c-1', role: 'coordinator' } })).ok).toBe(true);
  });
});

describe('a journey definition keeps frozen copies of what it checked', () => {
  it('a policy changed after defineJourney changes nothing the engine enforces', async () => {
    const policy = { start: [...visitJourney.policy.start], events: Object.fromEntries(Object.entries(visitJourney.policy.events).map(([t, r]) => [t, [...r]])) } as { start: string[]; events: Record<string, string[]> };
    const definition = defineJourney({ ...visitJourney, id: 'clinic-visit-copy', policy } as unknown as Parameters<typeof defineJourney>[0]);
    expect(Object.isFrozen(definition.policy)).toBe(true);
    expect(definition.policy).not.toBe(policy);
    expect(Object.isFrozen(definition.roles) && Object.isFrozen(definition.migrations) && Object.isFrozen(definition.timerEvents) && Object.isFrozen(definition.guards)).toBe(true);
    // The caller's own object stays theirs, and changing it reaches nothing.
    policy.events['visit.book']!.push('nurse');
    const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock('2026-01-05T09:00:00Z') });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    expect((await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician })).ok).toBe(true);
    const refused = await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.nurse });
    expect(refused.ok || refused.error.code).toBe('CJ_ERR_FORBIDDEN');
    // The safe twin: the role the checked policy names is accepted.
    expect((await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator })).ok).toBe(true);
  });

  it('a rule changed after defineJourney changes nothing the engine enforces', async () => {
    const consent = { ...visitJourneyConfig.guards.consentRecorded };
    const definition = defineJourney({ ...visitJourneyConfig, id: 'clinic-visit-rules', guards: { ...visitJourneyConfig.guards, consentRecorded: consent } });
    expect(Object.isFrozen(definition.guards['consentRecorded'])).toBe(true);
    consent.check = () => true;
    const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock('2026-01-05T09:00:00Z') });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const refused = await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator });
    expect(refused.ok || [refused.error.code, refused.error.details['guard']]).toEqual(['CJ_ERR_GUARD', 'consentRecorded']);
    // The safe twin: once consent is recorded, the rule as checked lets the booking through.
    expect((await engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician })).ok).toBe(true);
    expect((await engine.send(id, { type: 'visit.book', slot: '2026-01-05T10:00:00Z' }, { actor: actors.coordinator })).ok).toBe(true);
  });

  it('an event schema replaced after defineJourney changes nothing the engine validates with', async () => {
    const events: Record<string, z.ZodObject> = { ...visitJourneyConfig.events };
    const definition = defineJourney({ ...visitJourneyConfig, id: 'clinic-visit-events', events: events as typeof visitJourneyConfig.events });
    expect(Object.isFrozen(definition.events)).toBe(true);
    events['vitals.recorded'] = z.object({});
    const engine = createEngine({ definition, store: new MemoryStore(), clock: new ManualClock('2026-01-05T09:00:00Z') });
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    for (const [type, payload, actor] of [
      ['consent.recorded', {}, actors.physician],
      ['visit.book', { slot: '2026-01-05T10:00:00Z' }, actors.coordinator],
      ['patient.arrived', {}, actors.nurse],
    ] as const) expect((await engine.send(id, { type, ...payload } as never, { actor })).ok).toBe(true);
    const refused = await engine.send(id, { type: 'vitals.recorded' } as never, { actor: actors.nurse });
    expect(refused.ok || refused.error.code).toBe('CJ_ERR_INVALID_EVENT');
    // The safe twin: the reading the checked schema asks for is accepted.
    expect((await engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse })).ok).toBe(true);
  });

  it('a policy that is not plain data is refused with CJ_ERR_INVALID_CONFIG', () => {
    expect(() => defineJourney({ ...visitJourney, policy: { start: ['nurse'], events: { x: () => 1 } } } as unknown as Parameters<typeof defineJourney>[0])).toThrow(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG' }),
    );
  });
});
