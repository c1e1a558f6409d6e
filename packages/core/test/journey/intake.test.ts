import { describe, expect, it } from 'vitest';
import { completeScreening, DOSE_PLANS, Harness, noContraindications } from './harness.js';

describe('referral and intake', () => {
  it('closes a declined referral with its reason', async () => {
    const h = await Harness.start();
    const view = await h.send('referral.declined', { reason: 'Outside the clinic catchment; referred back to GP' }, 'coordinator');
    expect(view.stateLabel).toBe('closed');
    expect(view.status).toBe('done');
    expect(view.context['outcome']).toMatchObject({ kind: 'closed', reason: 'referral declined: Outside the clinic catchment; referred back to GP' });
  });

  it('explains what screening lacks before a physician may find the patient eligible', async () => {
    const h = await Harness.start();
    await h.send('referral.accepted', {}, 'coordinator');
    await h.send('assessment.recorded', { instrument: 'GAD-7', total: 14 }, 'patient');
    const r = await h.trySend('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('CJ_ERR_GUARD');
      expect(r.error.details.guard).toBe('eligibleDecisionAllowed');
      expect(r.error.message).toContain(
        'Screening is not complete: no consultation recorded, no baseline PHQ-9, the contraindication checklist is not recorded, no baseline vitals, the co-medication review is not recorded',
      );
    }
  });

  it('flags a self-referral for extra screening before eligibility', async () => {
    const h = await Harness.start({ source: 'self' });
    expect((await h.context()).referral.extraScreeningRequired).toBe(true);
    await completeScreening(h);
    const r = await h.trySend('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
    expect(!r.ok && r.error.message).toContain('the extra screening a self-referral needs is not recorded');
    await h.send('screening.selfReferralReviewed', { method: 'records-from-treating-professional' }, 'physician');
    const ok = await h.send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
    expect(ok.stateLabel).toBe('care.clinical.intake.planning|care.therapy.notLinked');
  });

  it('only a physician finds a patient eligible; a nurse may refer to a physician review', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    const nurse = await h.trySend('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'nurse');
    expect(!nurse.ok && nurse.error.message).toContain('Only a physician may find a patient eligible');
    await h.send('eligibility.decided', { outcome: 'physician-review', reasons: ['Substance use disorder in remission 8 months'] }, 'nurse');
    expect(await h.state()).toBe('care.clinical.intake.physicianReview|care.therapy.notLinked');
    const again = await h.trySend('eligibility.decided', { outcome: 'physician-review', reasons: ['still unsure'] }, 'nurse');
    expect(!again.ok && again.error.message).toContain('The patient is already waiting for a physician review');
    const ineligibleByNurse = await h.trySend('eligibility.decided', { outcome: 'ineligible', reasons: ['unsure'] }, 'nurse');
    expect(!ineligibleByNurse.ok && ineligibleByNurse.error.message).toContain('Only a physician may decide that a patient is ineligible');
    const ok = await h.send('eligibility.decided', { outcome: 'eligible', reasons: ['Reviewed: abstinent, supported'] }, 'physician');
    expect(ok.stateLabel).toBe('care.clinical.intake.planning|care.therapy.notLinked');
  });

  it('an absolute contraindication rules out an eligible decision; ineligible closes the journey', async () => {
    const h = await Harness.start();
    await h.send('referral.accepted', {}, 'coordinator');
    await h.send('consultation.recorded', { kind: 'initial', mode: 'video' }, 'physician');
    await h.send('assessment.recorded', { instrument: 'GAD-7', total: 16 }, 'patient');
    await h.send('assessment.recorded', { instrument: 'PHQ-9', total: 9, item9: 0 }, 'patient');
    await h.send('screening.contraindicationsRecorded', { answers: { ...noContraindications(), 'aneurysmal-vascular-disease': true } }, 'nurse');
    await h.send('screening.vitalsRecorded', { systolic: 130, diastolic: 85, heartRate: 70 }, 'nurse');
    await h.send('screening.medicationsReviewed', { classes: [] }, 'nurse');
    const r = await h.trySend('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
    expect(!r.ok && r.error.message).toContain("Contraindicated under the clinic's protocol: aneurysmal-vascular-disease");
    const closed = await h.send('eligibility.decided', { outcome: 'ineligible', reasons: ['Aneurysmal vascular disease'] }, 'physician');
    expect(closed.stateLabel).toBe('closed');
    expect(closed.context['outcome']).toMatchObject({ kind: 'closed', reason: 'ineligible: Aneurysmal vascular disease' });
  });

  it('a clinic may treat a contraindication differently in its protocol', async () => {
    const h = await Harness.start({ protocol: { contraindicationClasses: { 'aneurysmal-vascular-disease': 'physician-review' } } });
    await completeScreening(h);
    await h.send('screening.contraindicationsRecorded', { answers: { ...noContraindications(), 'aneurysmal-vascular-disease': true } }, 'nurse');
    const ok = await h.send('eligibility.decided', { outcome: 'eligible', reasons: ['Vascular surgeon cleared'] }, 'physician');
    expect(ok.stateLabel).toContain('intake.planning');
  });

  it('a suicidality screen at intake raises a safety alert without a hold', async () => {
    const h = await Harness.start();
    await h.send('referral.accepted', {}, 'coordinator');
    await h.send('assessment.recorded', { instrument: 'PHQ-9', total: 14, item9: 1 }, 'patient');
    expect(h.effectsOf('safety.alert').map((e) => e.payload['kind'])).toEqual(['suicidality-screen']);
    expect(await h.state()).toBe('care.clinical.intake.screening|care.therapy.notLinked');
  });

  it('never starts induction without consent and a plan, and says so in engine.get', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await h.send('eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician');
    const view = await h.view();
    expect(view.blockedEvents).toContainEqual({
      type: 'induction.started',
      guard: 'readyForInduction',
      reason: 'Consent has not been recorded; No treatment plan has been recorded',
    });
    const shortObservation = await h.trySend('plan.recorded', { route: 'esketamine-nasal', dosePlan: DOSE_PLANS['esketamine-nasal'], observationMinutes: 60 }, 'physician');
    expect(!shortObservation.ok && shortObservation.error.message).toContain("60 min of observation is below the protocol's minimum of 120 min for the esketamine-nasal route");
    const noWeight = await h.trySend('plan.recorded', { route: 'iv', dosePlan: DOSE_PLANS.iv, observationMinutes: 90 }, 'physician');
    expect(!noWeight.ok && noWeight.error.message).toContain("event.weightKg: a dose plan in mg/kg needs the patient's weight (weightKg)");
    await h.send('plan.recorded', { route: 'iv', dosePlan: DOSE_PLANS.iv, observationMinutes: 90, weightKg: 70 }, 'physician');
    await h.send('consent.recorded', { formVersion: 'v3' }, 'physician');
    const started = await h.send('induction.started', { firstSessionAt: '2026-03-09T09:00:00Z' }, 'coordinator');
    expect(started.phase).toBe('induction');
    expect((await h.context()).plan?.observationMinutes).toBe(90);
  });

  it('validates payloads at the edge: instrument ranges, PHQ-9 item 9, opaque references', async () => {
    const h = await Harness.start();
    await h.send('referral.accepted', {}, 'coordinator');
    const tooHigh = await h.trySend('assessment.recorded', { instrument: 'GAD-7', total: 22 }, 'patient');
    expect(!tooHigh.ok && tooHigh.error.code).toBe('CJ_ERR_INVALID_EVENT');
    expect(!tooHigh.ok && tooHigh.error.message).toContain('a GAD-7 total is at most 21');
    const noItem9 = await h.trySend('assessment.recorded', { instrument: 'PHQ-9', total: 10 }, 'patient');
    expect(!noItem9.ok && noItem9.error.message).toContain('a PHQ-9 result needs item 9');
    // A total the items cannot make: 27 needs every item at 3, item 9 included.
    const before = await h.engine.history(h.id);
    const inconsistent = await h.trySend('assessment.recorded', { instrument: 'PHQ-9', total: 27, item9: 0 }, 'patient');
    expect(!inconsistent.ok && inconsistent.error.details.issues?.[0]).toMatchObject({ path: 'event.total' });
    expect(!inconsistent.ok && inconsistent.error.message).toContain('a PHQ-9 total with item 9 at 0 lies between 0 and 24');
    const belowItem9 = await h.trySend('assessment.recorded', { instrument: 'PHQ-9', total: 1, item9: 2 }, 'patient');
    expect(!belowItem9.ok && belowItem9.error.code).toBe('CJ_ERR_INVALID_EVENT');
    expect(await h.engine.history(h.id)).toEqual(before);
    // Its safe twins: the extremes the items can make, with the scored response's version and reference.
    await h.send('assessment.recorded', { instrument: 'PHQ-9', total: 24, item9: 0 }, 'patient');
    await h.send('assessment.recorded', { instrument: 'PHQ-9', total: 27, item9: 3, instrumentVersion: '1.0.0', responseRef: 'qr-991' }, 'system');
    expect((await h.context()).assessments.at(-1)).toMatchObject({ total: 27, item9: 3, instrumentVersion: '1.0.0', responseRef: 'qr-991' });
    const name = await h.trySend('therapy.linked', { therapistRef: 'Dr Jane Smith', modality: 'cbt' }, 'coordinator');
    expect(!name.ok && name.error.message).toContain('must be an opaque reference');
  });
});
