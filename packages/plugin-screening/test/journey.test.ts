import { describe, expect, it } from 'vitest';
import { createEngine, definePlugin, evaluateResponse, ketamineAnxietyJourney, ManualClock, MemoryStore, type SendResult } from '@carejourney/core';
import { SCREENING_PLUGIN_NAME } from '../src/index.js';
import { actors, Clinic, CLINIC_PROTOCOL, frequencyAnswers, noContraindications } from './clinic.js';

const PLUGIN_ACTOR = { id: 'screening-plugin', role: 'system' } as const;
/** 0.5 mg/kg for a 70 kg patient: 35 mg, the dose the session runner records. */
const IV_PLAN = { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 min', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg' as const, infusionMinutes: 40 }] };

function createEngineTwice(clinic: Clinic) {
  return createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol: CLINIC_PROTOCOL, plugins: [clinic.screening.plugin] });
}

/** Referral accepted, a consultation, and the baseline GAD-7 and PHQ-9 through the plugin. */
async function intake(clinic: Clinic, baseline = { gad7: 16, phq9: 11, item9: 0 }): Promise<void> {
  await clinic.start();
  await clinic.send('referral.accepted', {}, 'coordinator');
  await clinic.send('consultation.recorded', { kind: 'initial', mode: 'in-person' }, 'physician');
  await clinic.submit('GAD-7', frequencyAnswers(7, baseline.gad7));
  await clinic.submit('PHQ-9', frequencyAnswers(9, baseline.phq9, baseline.item9));
}

describe('the screening plugin in a full ketamine journey', () => {
  it('answers in, eligibility proposal out, an item-9 answer placing treatment on hold, the response review fed by the outcome series', async () => {
    const clinic = new Clinic();
    await intake(clinic);

    // Scored answers became assessments recorded by the plugin's system actor, with version and response.
    const recorded = (await clinic.journal()).filter((e) => e.type === 'assessment.recorded');
    expect(recorded.map((e) => [e.actor, e.payload])).toEqual([
      [PLUGIN_ACTOR, { instrument: 'GAD-7', total: 16, instrumentVersion: '1.0.0', responseRef: expect.stringMatching(/^qr-[0-9a-f]{24}$/) }],
      [PLUGIN_ACTOR, { instrument: 'PHQ-9', total: 11, item9: 0, instrumentVersion: '1.0.0', responseRef: expect.stringMatching(/^qr-/) }],
    ]);

    // Medical history in: the checklist and co-medications, recorded as the reviewing nurse.
    const history = await clinic.screening.recordMedicalHistory(clinic.id, { conditions: { ...noContraindications(), glaucoma: true }, medications: ['benzodiazepine'] }, { actor: actors.nurse });
    expect(history.ok).toBe(true);
    if (!history.ok) return;
    // Proposal out: a relative contraindication and a sedating co-medication need a physician.
    expect(history.proposal).toMatchObject({
      outcome: 'physician-review',
      contraindications: [{ condition: 'glaucoma', class: 'physician-review' }],
      medications: [{ class: 'benzodiazepine', concern: 'sedation' }],
    });
    expect(history.view.stateLabel).toContain('intake.physicianReview');
    expect(history.view.context.intake.eligibility).toMatchObject({ outcome: 'physician-review', reasons: history.proposal?.reasons, by: PLUGIN_ACTOR });
    expect(history.view.context.intake.contraindications).toMatchObject({ present: ['glaucoma'], by: actors.nurse });
    expect(clinic.proposals.map((p) => [p.proposal.outcome, p.referred])).toEqual([['physician-review', true]]);

    // Only a physician decides.
    await clinic.send('screening.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse');
    await clinic.send('eligibility.decided', { outcome: 'eligible', reasons: ['Glaucoma reviewed with ophthalmology; benzodiazepine tapered'] }, 'physician');
    await clinic.send('consent.recorded', { formVersion: 'KET-CONSENT-3' }, 'physician');
    await clinic.send('plan.recorded', { route: 'iv', dosePlan: IV_PLAN, weightKg: 70 }, 'physician');
    await clinic.send('induction.started', { firstSessionAt: '2026-03-03T09:00:00Z' }, 'coordinator');

    await clinic.runIvSession();
    await clinic.runIvSession();
    // MOAA/S and CADSS-6 scored by the plugin, recorded as the rating nurse (the journal keeps each session's readings).
    const journal = await clinic.journal();
    const secondSession = journal.slice(journal.map((e) => e.type).lastIndexOf('session.checkedIn'));
    expect(secondSession.filter((e) => e.type === 'monitoring.sedationRecorded').map((e) => e.payload['moaas'])).toEqual([4, 5]);
    expect(secondSession.filter((e) => e.type === 'monitoring.dissociationRecorded').map((e) => [e.payload['score'], e.payload['form']])).toEqual([[5, 'CADSS-6']]);
    const monitoring = journal.filter((e) => e.type.startsWith('monitoring.s') || e.type.startsWith('monitoring.d'));
    expect(new Set(monitoring.map((e) => e.actor.id))).toEqual(new Set([actors.nurse.id]));

    // A PHQ-9 with item 9 above 0 during induction: the journey holds treatment, once, with its own alert.
    const alertsBefore = clinic.effectsOf('safety.alert').length;
    const phq9 = await clinic.submit('PHQ-9', frequencyAnswers(9, 7, 1));
    expect(phq9.response.flags.map((f) => f.code)).toEqual(['item9-positive']);
    const held = await clinic.view();
    expect(held.phase).toBe('on-hold');
    expect(held.context.hold?.signals.map((s) => s.signal)).toEqual(['suicidality']);
    expect(clinic.effectsOf('safety.alert').slice(alertsBefore).map((e) => e.payload['kind'])).toEqual(['hold']);
    // The plugin adds no safety events of its own.
    expect((await clinic.journal()).filter((e) => e.actor.id === PLUGIN_ACTOR.id).map((e) => e.type)).not.toContain('safety.signalReported');
    const nextSessionAt = held.context.schedule.find((x) => x.status === 'planned')?.dueAt ?? '';
    await clinic.send('hold.reviewed', { decision: 'resume', reason: 'Passive thoughts only; safety plan in place, reviewed in person', nextSessionAt }, 'physician');
    expect((await clinic.view()).phase).toBe('induction');

    for (let i = 0; i < 4; i++) await clinic.runIvSession();
    expect((await clinic.view()).stateLabel).toContain('responseReview.awaitingAssessment');

    // The response review runs on the plugin's GAD-7 follow-up: the journey proposes, a physician decides.
    await clinic.submit('GAD-7', frequencyAnswers(7, 6));
    const proposed = await clinic.view();
    expect(proposed.stateLabel).toContain('responseReview.clinicianDecision');
    expect(clinic.effectsOf('response.proposed').at(-1)?.payload).toMatchObject({ instrument: 'GAD-7', baseline: 16, current: 6, responded: true });
    const reviewed = proposed.context;
    const outcomes = await clinic.screening.outcomes(clinic.id);
    const gad7 = outcomes.instruments[0];
    expect(outcomes.primaryInstrument).toBe('GAD-7');
    expect(gad7).toMatchObject({ instrument: 'GAD-7', baseline: { total: 16, phase: 'baseline' }, latest: { total: 6, phase: 'follow-up' }, change: -10, importantChange: 'improved' });
    // One source of truth: the series' response is the journey's own judgement on the protocol's thresholds.
    const { at: _at, ...journeyResponse } = reviewed.response ?? { at: '' };
    expect(gad7?.response).toEqual(journeyResponse);
    expect(gad7?.response).toEqual(evaluateResponse({ instrument: 'GAD-7', baseline: 16, current: 6 }, reviewed.protocol.response));
    expect(gad7?.response).toMatchObject({ responded: true, remission: false, dropPercent: 62.5 });
    expect(gad7?.points.map((p) => p.responseRef !== null)).toEqual([true, true]);
    expect(outcomes.instruments.map((i) => i.instrument)).toEqual(['GAD-7', 'PHQ-9']);

    await clinic.send('response.decided', { decision: 'maintenance', everyDays: 28, reason: 'Responded (GAD-7 16 to 6); monthly boosters' }, 'physician');
    expect((await clinic.view()).phase).toBe('maintenance');

    // The plugin never decided eligibility itself.
    const decisions = (await clinic.journal()).filter((e) => e.type === 'eligibility.decided');
    expect(decisions.map((e) => [e.actor.role, e.payload['outcome']])).toEqual([
      ['system', 'physician-review'],
      ['physician', 'eligible'],
    ]);
    expect(clinic.pluginErrors).toEqual([]);
  });

  it('proposes ineligible for an absolute contraindication and leaves the decision to the physician', async () => {
    const clinic = new Clinic();
    await intake(clinic);
    const r = await clinic.screening.recordMedicalHistory(clinic.id, { conditions: { ...noContraindications(), 'aneurysmal-vascular-disease': true }, medications: [] }, { actor: actors.physician, idempotencyKey: 'mh-1' });
    expect(r.ok && r.proposal?.outcome).toBe('ineligible');
    const view = await clinic.view();
    expect(view.stateLabel).toContain('intake.physicianReview');
    expect(view.context.intake.eligibility?.reasons[0]).toMatch(/aneurysmal-vascular-disease: an absolute contraindication/);
    // The same history again (a retried request) applies once; correcting it does not refer twice.
    const again = await clinic.screening.recordMedicalHistory(clinic.id, { conditions: { ...noContraindications(), 'aneurysmal-vascular-disease': true }, medications: [] }, { actor: actors.physician, idempotencyKey: 'mh-1' });
    expect(again.ok).toBe(true);
    await clinic.screening.recordMedicalHistory(clinic.id, { conditions: { ...noContraindications(), 'aneurysmal-vascular-disease': true, pregnancy: true }, medications: [] }, { actor: actors.nurse });
    const journal = await clinic.journal();
    expect(journal.filter((e) => e.type === 'eligibility.decided')).toHaveLength(1);
    expect(journal.filter((e) => e.type === 'screening.contraindicationsRecorded')).toHaveLength(2);
    expect(clinic.proposals.at(-1)?.proposal.contraindications.map((c) => c.condition)).toEqual(['aneurysmal-vascular-disease', 'pregnancy']);
    // The physician decides; the journey closes.
    await clinic.send('eligibility.decided', { outcome: 'ineligible', reasons: ['Aneurysmal vascular disease'] }, 'physician');
    expect((await clinic.view()).phase).toBe('closed');
  });

  it('without referral, only tells the host; an eligible-pending-review proposal sends nothing', async () => {
    const clinic = new Clinic({ screening: { referToPhysicianReview: false } });
    await intake(clinic);
    await clinic.screening.recordMedicalHistory(clinic.id, { conditions: noContraindications(), medications: ['maoi'] }, { actor: actors.nurse });
    expect(clinic.proposals.map((p) => [p.proposal.outcome, p.referred])).toEqual([['physician-review', false]]);
    expect((await clinic.view()).stateLabel).toContain('intake.screening');

    const clean = new Clinic();
    await intake(clean);
    const r = await clean.screening.recordMedicalHistory(clean.id, { conditions: noContraindications(), medications: ['antidepressant'] }, { actor: actors.nurse });
    expect(r.ok && r.proposal?.outcome).toBe('eligible-pending-review');
    expect((await clean.view()).context.intake.eligibility).toBeNull();
    expect(await clean.screening.proposal(clean.id)).toEqual(r.ok ? r.proposal : null);
  });

  it('a baseline PHQ-9 item 9 above 0: the journey alerts once, and the proposal asks for a physician', async () => {
    const clinic = new Clinic();
    await intake(clinic, { gad7: 12, phq9: 9, item9: 2 });
    expect(clinic.effectsOf('safety.alert').map((e) => e.payload['kind'])).toEqual(['suicidality-screen']);
    const r = await clinic.screening.recordMedicalHistory(clinic.id, { conditions: noContraindications(), medications: [] }, { actor: actors.nurse });
    expect(r.ok && r.proposal).toMatchObject({ outcome: 'physician-review', suicidality: ['PHQ-9 item 9 above 0 at baseline'] });
    expect(clinic.effectsOf('safety.alert')).toHaveLength(1);
  });
});

describe('after a crash', () => {
  /** A store that loses the "delivered" marks, as when the process dies between commit and delivery. */
  class CrashingStore extends MemoryStore {
    crashed = true;
    override async markDelivered(ids: readonly string[]): Promise<void> {
      if (!this.crashed) await super.markDelivered(ids);
    }
  }

  it('recovery redelivers the screening records to the plugin and the referral is applied once', async () => {
    const store = new CrashingStore();
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    // The first process acknowledged these events and died before any plugin saw them.
    const first = createEngine({ definition: ketamineAnxietyJourney, store, clock, protocol: CLINIC_PROTOCOL });
    const { id } = await first.start({ patientRef: 'pt-0001', actor: actors.coordinator, input: { referral: { source: 'professional', indication: 'generalized-anxiety' } } });
    for (const [event, actor] of [
      [{ type: 'referral.accepted' }, actors.coordinator],
      [{ type: 'screening.contraindicationsRecorded', answers: { ...noContraindications(), 'heart-disease': true } }, actors.nurse],
      [{ type: 'screening.medicationsReviewed', classes: ['stimulant'] }, actors.nurse],
    ] as const) {
      const r = await first.send(id, event as never, { actor });
      expect(r.ok).toBe(true);
    }
    expect((await first.history(id)).some((e) => e.type === 'eligibility.decided')).toBe(false);

    store.crashed = false;
    const after = new Clinic({ store, clock });
    after.id = id;
    expect(await after.engine.recover()).toBeGreaterThan(0);
    expect(await after.engine.recover()).toBe(0);
    // Both records were redelivered and each asked for the referral: it was applied once.
    const decisions = (await after.journal()).filter((e) => e.type === 'eligibility.decided');
    expect(decisions.map((e) => [e.actor, e.payload['outcome']])).toEqual([[PLUGIN_ACTOR, 'physician-review']]);
    expect(decisions[0]?.payload['reasons']).toEqual([
      'heart-disease: a relative contraindication that needs a physician review',
      'stimulant: co-medication to review (raises blood pressure)',
    ]);
    expect(after.proposals).toHaveLength(2);
    expect(new Set(after.proposals.map((p) => p.deliveryId)).size).toBe(2);
    expect(after.pluginErrors).toEqual([]);
  });
});

describe('scored responses required', () => {
  it('refuses a typed-in total for the listed instruments and changes nothing; scored ones pass', async () => {
    const clinic = new Clinic({ screening: { requireScoredResponses: ['GAD-7', 'PHQ-9'] } });
    await clinic.start();
    await clinic.send('referral.accepted', {}, 'coordinator');
    const before = await clinic.view();
    const journalBefore = (await clinic.journal()).length;
    const typed = await clinic.trySend('assessment.recorded', { instrument: 'GAD-7', total: 14 }, 'nurse');
    expect(typed.ok).toBe(false);
    if (typed.ok) return;
    expect(typed.error.code).toBe('CJ_ERR_VETOED');
    expect(typed.error.details.plugin).toBe(SCREENING_PLUGIN_NAME);
    expect(typed.error.message).toMatch(/requires scored responses for GAD-7/);
    // A responseRef alone is not a scored response.
    const faked = await clinic.engine.send(
      clinic.id,
      { type: 'assessment.recorded', instrument: 'PHQ-9', total: 3, item9: 0, responseRef: 'qr-0123456789abcdef01234567' },
      { actor: PLUGIN_ACTOR },
    );
    expect(!faked.ok && faked.error.code).toBe('CJ_ERR_VETOED');
    const after = await clinic.view();
    expect(after.version).toBe(before.version);
    expect(after.context.assessments).toEqual([]);
    expect(await clinic.journal()).toHaveLength(journalBefore);

    await clinic.submit('GAD-7', frequencyAnswers(7, 14));
    // Instruments not listed may still be typed in.
    await clinic.send('assessment.recorded', { instrument: 'SPIN', total: 30 }, 'nurse');
    expect((await clinic.context()).assessments.map((a) => [a.instrument, a.total])).toEqual([
      ['GAD-7', 14],
      ['SPIN', 30],
    ]);
  });
});

describe("scored responses required: the veto lets through only the plugin's own send", () => {
  // engine.send returns once the plugins' queued sends are applied, so a send made while the
  // plugin's own send is held is not awaited there: its refusal (or transition) is seen on the bus.
  const nextDecision = (clinic: Clinic) =>
    new Promise<string>((resolve) => {
      clinic.engine.on('refused', (n) => resolve(n.code));
      clinic.engine.on('transition', (n) => resolve(`applied ${n.entry.type}`));
    });

  /** A plugin that holds the delivery of the screening plugin's own assessment until released. */
  function holdOwnDelivery(clinic: () => Clinic) {
    let delivering!: () => void;
    let release!: () => void;
    const inDelivery = new Promise<void>((resolve) => (delivering = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const fromDelivery: { send?: () => Promise<SendResult>; decision?: string; result?: Promise<SendResult> } = {};
    let held = false;
    const plugin = definePlugin({
      name: 'hold-delivery',
      setup(api) {
        api.hooks.afterCommit(async ({ entry }) => {
          // Only the first: an event that wrongly got through is delivered at once.
          if (held || entry.kind === 'start' || entry.type !== 'assessment.recorded' || entry.actor.id !== PLUGIN_ACTOR.id || entry.payload['responseRef'] !== 'qr-shared-1') return;
          held = true;
          if (fromDelivery.send) {
            const decided = nextDecision(clinic());
            fromDelivery.result = fromDelivery.send();
            fromDelivery.decision = await decided;
          }
          delivering();
          await released;
        });
      },
    });
    return { plugin, inDelivery, release, fromDelivery };
  }
  const forgedTotal = { type: 'assessment.recorded', instrument: 'GAD-7', total: 21, instrumentVersion: '1.0.0', responseRef: 'qr-shared-1' } as const;

  it('refuses a concurrent host event that reuses the responseRef of a send in flight', async () => {
    let clinic!: Clinic;
    const hold = holdOwnDelivery(() => clinic);
    clinic = new Clinic({ screening: { requireScoredResponses: ['GAD-7'] }, plugins: [hold.plugin] });
    await clinic.start();
    await clinic.send('referral.accepted', {}, 'coordinator');
    const submitted = clinic.screening.submit(clinic.id, { instrument: 'GAD-7', answers: frequencyAnswers(7, 3), responseRef: 'qr-shared-1' });
    // The plugin's own event is committed and still being delivered: its send is in flight.
    await hold.inDelivery;
    let decided = nextDecision(clinic);
    const forged = clinic.engine.send(clinic.id, forgedTotal, { actor: PLUGIN_ACTOR });
    expect(await decided).toBe('CJ_ERR_VETOED');
    // Even the very event the plugin sent is a typed-in one when it comes from outside the plugin's send.
    decided = nextDecision(clinic);
    const copied = clinic.engine.send(clinic.id, { ...forgedTotal, total: 3 }, { actor: PLUGIN_ACTOR });
    expect(await decided).toBe('CJ_ERR_VETOED');
    hold.release();
    expect((await submitted).ok).toBe(true);
    for (const r of [await forged, await copied]) expect(!r.ok && r.error.code).toBe('CJ_ERR_VETOED');
    expect((await clinic.context()).assessments.map((a) => [a.instrument, a.total, a.responseRef])).toEqual([['GAD-7', 3, 'qr-shared-1']]);
  });

  it("refuses a typed-in total sent from within the plugin's own send (a hook or listener during its delivery)", async () => {
    let clinic!: Clinic;
    const hold = holdOwnDelivery(() => clinic);
    clinic = new Clinic({ screening: { requireScoredResponses: ['GAD-7'] }, plugins: [hold.plugin] });
    await clinic.start();
    await clinic.send('referral.accepted', {}, 'coordinator');
    hold.fromDelivery.send = () => clinic.engine.send(clinic.id, forgedTotal, { actor: PLUGIN_ACTOR });
    hold.release();
    const own = await clinic.screening.submit(clinic.id, { instrument: 'GAD-7', answers: frequencyAnswers(7, 3), responseRef: 'qr-shared-1' });
    expect(own.ok).toBe(true);
    expect(hold.fromDelivery.decision).toBe('CJ_ERR_VETOED');
    const r = await hold.fromDelivery.result;
    expect(r && !r.ok && r.error.code).toBe('CJ_ERR_VETOED');
    expect((await clinic.context()).assessments.map((a) => [a.instrument, a.total])).toEqual([['GAD-7', 3]]);
  });
});

describe('submit', () => {
  it('refuses bad answers naming the item, and changes nothing', async () => {
    const clinic = new Clinic();
    await clinic.start();
    await clinic.send('referral.accepted', {}, 'coordinator');
    const before = await clinic.view();
    const r = await clinic.screening.submit(clinic.id, { instrument: 'GAD-7', answers: { ...frequencyAnswers(7, 10), '4': 7 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CJ_ERR_INVALID_INPUT');
    expect(r.error.details.issues?.map((i) => i.path)).toEqual(['answers.4']);
    expect(r.error.message).not.toContain('7,');
    expect(r.response).toBeNull();
    const unknown = await clinic.screening.submit(clinic.id, { instrument: 'BDI-II', answers: {} });
    expect(!unknown.ok && unknown.error.code).toBe('CJ_ERR_INVALID_INPUT');
    const badRef = await clinic.screening.submit(clinic.id, { instrument: 'GAD-7', answers: frequencyAnswers(7, 3), responseRef: 'John Smith' });
    expect(!badRef.ok && badRef.error.details.issues?.[0]?.path).toBe('submission.responseRef');
    const missing = await clinic.screening.submit('no-such-journey', { instrument: 'GAD-7', answers: frequencyAnswers(7, 3) });
    expect(!missing.ok && missing.error.code).toBe('CJ_ERR_NOT_FOUND');
    expect((await clinic.view()).version).toBe(before.version);
  });

  it('needs the rating clinician for MOAA/S and CADSS, and the journey refuses them outside a dosed session', async () => {
    const clinic = new Clinic();
    await clinic.start();
    const noActor = await clinic.screening.submit(clinic.id, { instrument: 'MOAA/S', answers: { level: 5 } });
    expect(!noActor.ok && noActor.error.details.issues?.[0]?.path).toBe('options.actor');
    expect(!noActor.ok && noActor.response?.total).toBe(5);
    const notNow = await clinic.screening.submit(clinic.id, { instrument: 'CADSS-6', answers: { '1': 0, '2': 0, '6': 0, '7': 0, '15': 0, '22': 0 } }, { actor: actors.nurse });
    expect(!notNow.ok && notNow.error.code).toBe('CJ_ERR_NOT_ALLOWED');
  });

  it('scores pre-screens without touching the journey, and applies one response once', async () => {
    const clinic = new Clinic();
    await clinic.start();
    await clinic.send('referral.accepted', {}, 'coordinator');
    const gad2 = await clinic.screening.submit(clinic.id, { instrument: 'GAD-2', answers: { '1': 2, '2': 1 } });
    expect(gad2.ok && [gad2.entry, gad2.response.flags.map((f) => f.code)]).toEqual([null, ['positive-screen']]);
    const first = await clinic.screening.submit(clinic.id, { instrument: 'GAD-7', answers: frequencyAnswers(7, 12), responseRef: 'host-qr-77', authored: '2026-03-01T18:30:00+01:00' });
    const again = await clinic.screening.submit(clinic.id, { instrument: 'GAD-7', answers: frequencyAnswers(7, 12), responseRef: 'host-qr-77' });
    expect(first.ok && first.response).toMatchObject({ responseRef: 'host-qr-77', patientRef: 'pt-0001', authored: '2026-03-01T17:30:00.000Z', total: 12 });
    expect(again.ok).toBe(true);
    expect((await clinic.context()).assessments).toHaveLength(1);
  });

  it('scores a host instrument given with the shipped ones, and refuses bad options', async () => {
    const { createScreening, defineInstrument, SHIPPED_INSTRUMENTS } = await import('../src/index.js');
    const wellbeing = defineInstrument({
      id: 'WB-3',
      version: '2.1.0',
      title: 'Clinic well-being check',
      administeredBy: 'patient',
      recallPeriod: 'last week',
      licence: { kind: 'public-domain', notice: 'Written by the clinic, no restrictions.' },
      citation: 'Clinic protocol QA-12, 2026.',
      items: ['1', '2'].map((linkId) => ({ linkId, type: 'choice' as const, answers: [0, 1, 2].map((value) => ({ value })) })),
      scoring: { kind: 'sum', min: 0, max: 4 },
    });
    const clinic = new Clinic({ screening: { instruments: [...SHIPPED_INSTRUMENTS, wellbeing] } });
    await clinic.start();
    const r = await clinic.screening.submit(clinic.id, { instrument: 'WB-3', answers: { '1': 2, '2': 1 } });
    expect(r.ok && [r.response.total, r.response.version, r.entry]).toEqual([3, '2.1.0', null]);
    expect(() => createScreening({ instruments: [wellbeing, wellbeing] })).toThrow(/instrument ids must be unique/);
    expect(() => createScreening({ instruments: [{ ...wellbeing }] })).toThrow(/defineInstrument/);
    expect(() => createScreening({ followUp: { afterDays: 0 } })).toThrow(expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG' }));
    // One instance serves one engine.
    expect(() => createEngineTwice(clinic)).toThrow(/once per engine/);
  });

  it('tells the caller to register the plugin first', async () => {
    const { createScreening } = await import('../src/index.js');
    const loose = createScreening();
    const r = await loose.submit('j-1', { instrument: 'GAD-7', answers: frequencyAnswers(7, 3) });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_PLUGIN');
    expect(loose.score('GAD-7', frequencyAnswers(7, 3)).total).toBe(3);
  });
});

describe('follow-up measure', () => {
  it('falls due 182 days after the first dose, once, survives a restart, and reports the measure', async () => {
    const clinic = new Clinic({ screening: { followUp: { afterDays: 182 } } });
    await intake(clinic);
    await clinic.screening.recordMedicalHistory(clinic.id, { conditions: noContraindications(), medications: [] }, { actor: actors.nurse });
    await clinic.send('screening.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse');
    await clinic.send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
    await clinic.send('consent.recorded', { formVersion: 'KET-CONSENT-3' }, 'physician');
    await clinic.send('plan.recorded', { route: 'iv', dosePlan: IV_PLAN, weightKg: 70 }, 'physician');
    await clinic.send('induction.started', { firstSessionAt: '2026-03-03T09:00:00Z' }, 'coordinator');
    await clinic.runIvSession();
    await clinic.runIvSession();
    const firstDose = (await clinic.context()).sessions[0]?.dose?.at ?? '';
    const timers = (await clinic.view()).timers.filter((t) => t.owner === SCREENING_PLUGIN_NAME);
    // One timer, anchored on the first dose, 182 calendar days later in the clinic's zone.
    expect(timers).toHaveLength(1);
    const dueAt = Date.parse(timers[0]?.dueAt ?? '');
    expect(new Date(dueAt).toISOString().slice(11)).not.toBe(new Date(firstDose).toISOString().slice(11)); // DST moved the UTC time
    expect(dueAt - Date.parse(firstDose)).toBe(182 * 86_400_000 - 3_600_000);

    // A restart: a new engine and plugin instance over the same store fire the timer once.
    const restarted = new Clinic({ store: clinic.store, clock: clinic.clock, screening: { followUp: { afterDays: 182 } } });
    restarted.id = clinic.id;
    await restarted.advanceTo(dueAt + 60_000);
    await restarted.engine.runDue();
    expect(restarted.followUps).toMatchObject([{ journeyId: clinic.id, patientRef: 'pt-0001', instrument: 'GAD-7', dueAt: new Date(dueAt).toISOString(), journeyActive: true }]);
    expect(clinic.followUps).toEqual([]);

    // The sessions that fell due meanwhile were missed; the course waits for its response review.
    expect((await restarted.view()).stateLabel).toContain('responseReview.awaitingAssessment');
    await restarted.submit('GAD-7', frequencyAnswers(7, 5));
    const gad7 = (await restarted.screening.outcomes(clinic.id)).instruments[0];
    expect(gad7?.followUp).toMatchObject({ dueAt: new Date(dueAt).toISOString(), point: { total: 5 }, change: -11, response: { responded: true } });
    // More doses never re-arm a follow-up that has fired.
    expect((await restarted.view()).timers.filter((t) => t.owner === SCREENING_PLUGIN_NAME)).toEqual([]);
  });
});
