import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  continueSchedule,
  createEngine,
  defaultKetamineProtocol,
  ESKETAMINE_LABEL,
  evaluateResponse,
  inductionSchedule,
  ketamineAnxietyJourney,
  ketamineProtocolSchema,
  MemoryStore,
  stopRuleHit,
  UNCONFIRMED_DEFAULTS,
} from '../../src/index.js';

/** The default at a protocol path, read from the defaults. */
function readDefault(path: readonly string[]): unknown {
  let v: unknown = defaultKetamineProtocol();
  for (const key of path) v = (v as Record<string, unknown>)[key];
  return v;
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');

describe('protocol', () => {
  it('has the DOMAIN.md defaults per route', () => {
    const p = defaultKetamineProtocol();
    const esk = p.routes['esketamine-nasal'];
    expect(esk).toMatchObject({ setting: 'clinic', medication: 'esketamine', observationMinutes: 120, requiresRems: true, mgPerDevice: 28 });
    expect(esk.induction).toEqual([
      { weeks: 4, days: [0, 3] },
      { weeks: 4, days: [0] },
    ]);
    expect(esk.monitoring.bpCheckAtMinutes).toBe(40);
    expect(esk.fasting).toEqual({ foodHours: 2, liquidMinutes: 30, nasalSteroidOrDecongestantMinutes: 60 });
    expect(esk.preDoseBpLimit).toEqual({ systolic: 140, diastolic: 90 });
    expect(esk.stopRules).toEqual({
      repeatedBp: { systolic: 180, diastolic: 110, minutesApart: 5 },
      singleBp: { systolic: 200, diastolic: 120 },
      heartRate: { above: 120, forMinutes: 5 },
      spo2Below: null,
    });
    expect(p.routes.iv.induction).toEqual([{ weeks: 2, days: [0, 2, 4] }]);
    expect(p.routes.iv.monitoring.vitalsEveryMinutes).toBe(15);
    expect(p.routes.sc.monitoring.bpCheckAtMinutes).toBe(30);
    expect(p.routes['sublingual-home']).toMatchObject({ setting: 'home', requiresRems: false });
    expect(p.routes['sublingual-home'].maintenance.clinicianCheckInAfterDays).toBe(90);
    expect(p.therapy.lapseAfterDays).toBe(30);
    expect(p.rems.formDueDays).toBe(7);
    expect(p.response.responseDropPercent).toMatchObject({ 'GAD-7': 50, LSAS: 35, 'Y-BOCS': 35 });
    expect(p.response.primaryInstrument).toMatchObject({ 'generalized-anxiety': 'GAD-7', 'social-anxiety': 'LSAS', ocd: 'Y-BOCS' });
    expect(p.contraindicationClasses['psychosis-history']).toBe('physician-review');
  });

  it('takes a clinic’s partial overrides and keeps the other defaults', () => {
    const p = ketamineProtocolSchema.parse({
      timeZone: 'Europe/Berlin',
      acceptUnconfirmedDefaults: true,
      routes: { iv: { observationMinutes: 90, preDoseBpLimit: { systolic: 150 } } },
      therapy: { lapseAfterDays: 21 },
    });
    expect(p.timeZone).toBe('Europe/Berlin');
    expect(p.routes.iv.observationMinutes).toBe(90);
    expect(p.routes.iv.preDoseBpLimit).toEqual({ systolic: 150, diastolic: 90 });
    expect(p.routes.iv.induction).toEqual([{ weeks: 2, days: [0, 2, 4] }]);
    expect(p.routes.im.observationMinutes).toBe(60);
    expect(p.therapy.lapseAfterDays).toBe(21);
  });

  it('refuses an invalid protocol at engine creation, naming the field', () => {
    const make = (protocol: Record<string, unknown>) => () =>
      createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true, ...protocol } as never });
    expect(make({ routes: { 'esketamine-nasal': { setting: 'home' } } })).toThrow(/esketamine is given in a certified clinic only, never at home/);
    expect(make({ routes: { iv: { induction: [{ weeks: 2, days: [4, 2] }] } } })).toThrow(/strictly increasing/);
    expect(make({ routes: { iv: { observationMinutes: 5 } } })).toThrow(/protocol.routes.iv.observationMinutes/);
    expect(make({ unknownKey: 1 })).toThrow(/CJ_ERR_INVALID_CONFIG|invalid/);
    expect(make({ timeZone: 'Mars/Olympus' })).toThrow(/protocol.timeZone: must be an IANA time zone/);
    expect(make({ clinicDays: [1, 1] })).toThrow(/protocol.clinicDays: must not repeat a day/);
    expect(make({ closedDates: ['2027-13-01'] })).toThrow(/protocol.closedDates/);
  });

  it('has no silent time zone: an engine needs the clinic’s zone', () => {
    const make = (protocol: unknown) => () => createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol: protocol as never });
    expect(make({ acceptUnconfirmedDefaults: true })).toThrow(/protocol.timeZone: Invalid input: expected string/);
    expect(make(undefined)).toThrow(/protocol.timeZone/);
    expect(make({ timeZone: 'America/New_York', acceptUnconfirmedDefaults: true })).not.toThrow();
  });

  it('UNCONFIRMED placeholders apply only when set or explicitly accepted (journaled)', async () => {
    const store = new MemoryStore();
    const make = (protocol: unknown) => () => createEngine({ definition: ketamineAnxietyJourney, store, protocol: protocol as never });
    expect(make({ timeZone: 'UTC' })).toThrow(
      /protocol.acceptUnconfirmedDefaults: \d+ UNCONFIRMED placeholder default\(s\) would apply \(routes\.esketamine-nasal\.maintenance\.reassessEveryWeeks, .*set each, or review them and pass acceptUnconfirmedDefaults: true/,
    );
    // Setting every one is as good as accepting them.
    const every: Record<string, unknown> = { timeZone: 'UTC' };
    for (const path of UNCONFIRMED_DEFAULTS) {
      let node = every;
      path.slice(0, -1).forEach((key) => (node = (node[key] ??= {}) as Record<string, unknown>));
      const leaf = path[path.length - 1] as string;
      node[leaf] = readDefault(path);
    }
    expect(make(every)).not.toThrow();
    // The acceptance travels with the protocol into every journey's start entry.
    const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true } });
    const { id } = await engine.start({ patientRef: 'pt-1', actor: { id: 'c', role: 'coordinator' }, input: { referral: { source: 'professional', indication: 'panic' } } });
    const [start] = await engine.history(id);
    expect((await store.loadProtocol(start?.payload['protocolRef'] as string))?.protocol).toMatchObject({ acceptUnconfirmedDefaults: true, timeZone: 'UTC' });
  });

  it('cannot configure the esketamine label and REMS minimums away', () => {
    const make = (route: Record<string, unknown>, extra: Record<string, unknown> = {}) => () =>
      createEngine({
        definition: ketamineAnxietyJourney,
        store: new MemoryStore(),
        protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true, routes: { 'esketamine-nasal': route }, ...extra } as never,
      });
    expect(make({ observationMinutes: 60 })).toThrow(/routes.esketamine-nasal.observationMinutes: the esketamine label requires at least 120 min/);
    expect(make({ requiresRems: false })).toThrow(/routes.esketamine-nasal.requiresRems: the esketamine REMS requires enrolment/);
    expect(make({ monitoring: { bpCheckAtMinutes: null } })).toThrow(/bpCheckAtMinutes: the esketamine label requires a blood-pressure re-check at about 40 min/);
    expect(make({ monitoring: { bpCheckAtMinutes: 60 } })).toThrow(/about 40 min/);
    expect(make({ discharge: { requiresDissociationAssessment: false } })).toThrow(/dissociation/);
    expect(make({ dosing: { allowedDosesMg: [56, 112] } })).toThrow(/routes.esketamine-nasal.dosing.allowedDosesMg\[1\]: 112 mg is not an esketamine label dose \(56 mg or 84 mg per session\)/);
    expect(make({ dosing: { allowedDosesMg: [56, 28] } })).toThrow(/allowedDosesMg\[1\]: 28 mg is not an esketamine label dose/);
    expect(make({ dosing: { firstDoseMg: 84 } })).toThrow(/routes.esketamine-nasal.dosing.firstDoseMg: the esketamine label gives 56 mg in the first session/);
    expect(make({ mgPerDevice: 14, dosing: { allowedDosesMg: [56, 84] } })).toThrow(/routes.esketamine-nasal.mgPerDevice: an esketamine nasal device holds 28 mg/);
    expect(make({ medication: 'racemic-ketamine' })).toThrow(/routes.esketamine-nasal.medication: the esketamine-nasal route gives esketamine and its label minimums apply/);
    expect(make({ discharge: { stableWindowMinutes: 240 } })).toThrow(/routes.esketamine-nasal.discharge.stableWindowMinutes: the esketamine label requires a blood pressure before discharge/);
    expect(make({}, { rems: { formDueDays: 30 } })).toThrow(/protocol.rems.formDueDays/);
    // The safe twins: stricter than the label is the clinic's choice.
    expect(make({ observationMinutes: 150, monitoring: { bpCheckAtMinutes: 40 }, dosing: { allowedDosesMg: [56] } }, { rems: { formDueDays: 5 } })).not.toThrow();
  });
});

describe('ESKETAMINE_LABEL', () => {
  it('is what the engine checks a protocol against, at its boundary, and frozen all through so no one can lower it', () => {
    const make = (route: Record<string, unknown>) => () =>
      createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true, routes: { 'esketamine-nasal': route } } as never });
    const { minObservationMinutes, bpCheckMinutes, dosesMg, firstDoseMg, mgPerDevice } = ESKETAMINE_LABEL;
    expect(make({ observationMinutes: minObservationMinutes - 1 })).toThrow(/observationMinutes: the esketamine label requires at least 120 min/);
    expect(make({ observationMinutes: minObservationMinutes })).not.toThrow();
    expect(make({ monitoring: { bpCheckAtMinutes: bpCheckMinutes.latest + 1 } })).toThrow(/about 40 min/);
    expect(make({ monitoring: { bpCheckAtMinutes: bpCheckMinutes.latest } })).not.toThrow();
    expect(make({ dosing: { allowedDosesMg: [...dosesMg, dosesMg.at(-1)! + mgPerDevice] } })).toThrow(/is not an esketamine label dose/);
    expect(make({ dosing: { allowedDosesMg: [...dosesMg], firstDoseMg } })).not.toThrow();
    expect(defaultKetamineProtocol().routes['esketamine-nasal']).toMatchObject({ observationMinutes: minObservationMinutes, mgPerDevice });
    for (const part of [ESKETAMINE_LABEL, bpCheckMinutes, dosesMg]) expect(Object.isFrozen(part)).toBe(true);
    expect(() => {
      (ESKETAMINE_LABEL as { minObservationMinutes: number }).minObservationMinutes = 10;
    }).toThrow(TypeError);
    expect(() => (dosesMg as unknown as number[]).push(112)).toThrow(TypeError);
    expect(make({ observationMinutes: 60 })).toThrow(/at least 120 min/);
  });
});

describe('inductionSchedule', () => {
  it('generates the esketamine and IV schedules', () => {
    const esk = inductionSchedule(defaultKetamineProtocol().routes['esketamine-nasal'].induction, T0, 'UTC');
    expect(esk.map((s) => (s.dueAt - T0) / DAY)).toEqual([0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49]);
    const iv = inductionSchedule(defaultKetamineProtocol().routes.iv.induction, T0, 'UTC');
    expect(iv.map((s) => (s.dueAt - T0) / DAY)).toEqual([0, 2, 4, 7, 9, 11]);
  });

  it('always starts at the first session and counts every session of every block, in order', () => {
    const block = fc.record({
      weeks: fc.integer({ min: 1, max: 8 }),
      days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }).map((d) => [...d].sort((a, b) => a - b)),
    });
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), (blocks, first) => {
        const dates = inductionSchedule(blocks, first, 'UTC');
        expect(dates).toHaveLength(blocks.reduce((n, b) => n + b.weeks * b.days.length, 0));
        expect(dates[0]?.dueAt).toBe(first);
        for (let i = 1; i < dates.length; i++) expect((dates[i]?.dueAt ?? 0) > (dates[i - 1]?.dueAt ?? 0)).toBe(true);
      }),
    );
  });

  it('continues a block’s weekly pattern from a new start', () => {
    const dates = continueSchedule({ weeks: 1, days: [0, 3] }, 0, 3, T0, 'UTC');
    expect(dates.map((d) => (d.dueAt - T0) / DAY)).toEqual([0, 3, 7]);
  });
});

describe('evaluateResponse', () => {
  const criteria = defaultKetamineProtocol().response;
  it('response is a drop of at least the instrument’s percentage; remission at or below its mark', () => {
    expect(evaluateResponse({ instrument: 'GAD-7', baseline: 16, current: 8 }, criteria)).toMatchObject({ dropPercent: 50, responded: true, remission: false });
    expect(evaluateResponse({ instrument: 'GAD-7', baseline: 16, current: 9 }, criteria)).toMatchObject({ responded: false });
    expect(evaluateResponse({ instrument: 'GAD-7', baseline: 16, current: 4 }, criteria)).toMatchObject({ remission: true });
    expect(evaluateResponse({ instrument: 'HAM-A', baseline: 24, current: 7 }, criteria)).toMatchObject({ remission: true });
    expect(evaluateResponse({ instrument: 'Y-BOCS', baseline: 30, current: 19 }, criteria)).toMatchObject({ thresholdPercent: 35, responded: true });
    expect(evaluateResponse({ instrument: 'LSAS', baseline: 0, current: 0 }, criteria)).toMatchObject({ dropPercent: null, responded: false, remission: null });
  });
});

describe('stopRuleHit', () => {
  const rules = defaultKetamineProtocol().routes.iv.stopRules;
  const r = (minute: number, systolic: number, diastolic: number, heartRate = 80, spo2: number | null = 97) => ({
    systolic,
    diastolic,
    heartRate,
    spo2,
    takenAt: new Date(T0 + minute * 60_000).toISOString(),
  });
  it('fires on the configured rules only', () => {
    expect(stopRuleHit([r(10, 150, 90)], rules)).toBeNull();
    expect(stopRuleHit([r(10, 201, 90)], rules)).toContain('single-reading stop limit');
    expect(stopRuleHit([r(10, 185, 90), r(13, 185, 90)], rules)).toBeNull();
    expect(stopRuleHit([r(10, 185, 90), r(15, 150, 112)], rules)).toContain('twice at least 5 min apart');
    expect(stopRuleHit([r(10, 150, 90, 125), r(13, 150, 90, 130)], rules)).toBeNull();
    expect(stopRuleHit([r(10, 150, 90, 125), r(15, 150, 90, 130)], rules)).toBe('Heart rate above 120 for at least 5 min (130 at the end)');
    expect(stopRuleHit([r(10, 150, 90, 125), r(12, 150, 90, 100), r(15, 150, 90, 130)], rules)).toBeNull();
    expect(stopRuleHit([r(10, 150, 90, 80, 85)], rules)).toBeNull();
    expect(stopRuleHit([r(10, 150, 90, 80, 85)], { ...rules, spo2Below: 90 })).toBe('SpO2 85% is below the stop limit of 90%');
  });

  it('judges every reading whatever order it arrives in: a back-dated high reading still stops', () => {
    // A 210/125 taken at minute 10, recorded after a normal reading from minute 20.
    expect(stopRuleHit([r(20, 128, 80), r(10, 210, 125)], rules)).toBe('BP 210/125 is above the single-reading stop limit of 200/120');
    expect(stopRuleHit([r(20, 185, 90), r(10, 150, 115)], rules)).toContain('twice at least 5 min apart (150/115, then 185/90)');
    // A heart-rate run is judged in time order.
    expect(stopRuleHit([r(15, 150, 90, 130), r(10, 150, 90, 125)], rules)).toContain('Heart rate above 120');
    expect(stopRuleHit([r(15, 150, 90, 130), r(12, 150, 90, 90), r(10, 150, 90, 125)], rules)).toBeNull();
  });
});
