import { describe, expect, it } from 'vitest';
import { createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore, type RemsMonitoringForm } from '@carejourney/core';
import { calmSession, drive, patientActor, screenAndPlan, staff } from '../src/clinic.js';
import { outOfPocket, remsFiling, runRemsPlugin } from '../src/remsPlugin.js';

describe('host plugin example: REMS filing and an out-of-pocket estimate', () => {
  it('vetoes the booking until the estimate is acknowledged, files every form, retrying on a durable timer', async () => {
    const { context, journal, remsCalls, estimates, vetoed } = await runRemsPlugin();
    expect(vetoed.ok).toBe(false);
    if (!vetoed.ok) expect(vetoed.error).toMatchObject({ code: 'CJ_ERR_VETOED', message: expect.stringContaining('out-of-pocket') });
    expect(journal.filter((e) => e.type === 'induction.started')).toHaveLength(1);

    expect(remsCalls.map((c) => [c.sessionNumber, c.ok, c.at])).toEqual([
      [1, false, '2026-04-13T18:00:00.000Z'],
      [1, true, '2026-04-13T20:00:00.000Z'],
      [2, true, '2026-04-16T18:00:00.000Z'],
      [3, true, '2026-04-20T18:00:00.000Z'],
    ]);
    const submitted = journal.filter((e) => e.type === 'rems.formSubmitted');
    expect(submitted.map((e) => [e.payload['sessionNumber'], e.actor, e.idempotencyKey])).toEqual([
      [1, { id: 'rems-desk', role: 'coordinator' }, 'rems-form-1'],
      [2, { id: 'rems-desk', role: 'coordinator' }, 'rems-form-2'],
      [3, { id: 'rems-desk', role: 'coordinator' }, 'rems-form-3'],
    ]);
    expect(context.tally.remsFormsSubmitted).toBe(3);
    expect(context.rems.forms.filter((f) => f.submitted === null)).toEqual([]);

    expect(estimates.map((e) => [e.dosesGiven, e.spent, e.sessionsPlanned, e.remaining])).toEqual([
      [0, 0, 12, 7080],
      [1, 590, 11, 6490],
      [2, 1180, 10, 5900],
      [3, 1770, 9, 5310],
    ]);
  });

  it('files a form whose retry falls due after a restart (the retry is a timer in the store)', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock('2026-04-06T15:00:00Z');
    const protocol = { timeZone: 'America/Denver', acceptUnconfirmedDefaults: true } as const;
    const calls: number[] = [];
    const failing = remsFiling({
      file: async () => {
        calls.push(clock.now());
        throw new Error('REMS unreachable');
      },
      submitAs: staff.coordinator,
    });
    const first = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol, plugins: [failing] });
    const { id } = await first.start({ patientRef: 'pt-1', actor: staff.coordinator, input: { referral: { source: 'professional', indication: 'generalized-anxiety' } } });
    const d = drive(first, clock, id);
    await screenAndPlan(d, {
      patient: patientActor('pt-1'),
      baseline: { gad7: 15, phq9: 10 },
      medications: [],
      consentForm: 'ESK-1',
      remsEnrolmentRef: 'REMS-1',
      plan: { route: 'esketamine-nasal', dosePlan: { summary: '56 mg', steps: [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }] } },
      firstSessionAt: '2026-04-13T16:00:00Z',
    });
    await calmSession(d, { recordedBy: staff.nurse, checkedInBy: staff.coordinator, administration: 'self-administered-supervised', lot: 'L-1', medications: [] });
    expect(calls).toHaveLength(1);
    expect((await first.get(id)).timers.map((t) => t.key)).toContain('plugin:rems-filing:retry-1');

    // A new engine over the same store (the process restarted) with a REMS that answers.
    const filed: RemsMonitoringForm[] = [];
    const second = createEngine({
      definition: ketamineAnxietyJourney,
      store,
      clock,
      protocol,
      plugins: [remsFiling({ file: async (form) => (filed.push(form), { submissionRef: 'REMS-OK-1' }), submitAs: staff.coordinator })],
    });
    clock.advance({ hours: 1 });
    await second.runDue();
    expect(filed.map((f) => f.sessionNumber)).toEqual([1]);
    expect((await second.get(id)).context.rems.forms.find((f) => f.sessionNumber === 1)?.submitted).toMatchObject({ submissionRef: 'REMS-OK-1' });
  });

  it('refuses invalid options, naming the plugin and the field', () => {
    expect(() => remsFiling({ file: async () => ({ submissionRef: 'x' }), submitAs: { id: 'pt-1', role: 'patient' as never } })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('Plugin "rems-filing" has invalid options: options.submitAs') }),
    );
    expect(() => outOfPocket({ currency: 'dollars', pricePerSession: {}, onEstimate: () => undefined, acknowledged: () => true })).toThrowError(/out-of-pocket.*options\.currency/);
  });
});
