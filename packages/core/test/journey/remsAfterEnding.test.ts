// The esketamine REMS monitoring form of every dosed session stays due when treatment stops: a
// journey withdrawn or discontinued with forms outstanding waits for them before it ends.
import { describe, expect, it } from 'vitest';
import { ketamineJourneyEvents, type KetamineEventType } from '../../src/index.js';
import { eventSamples, roleFor } from './eventSamples.js';
import { completeScreening, Harness, observeAndDischarge, planAndStart, runSession } from './harness.js';

const DAY = 86_400_000;

async function esketamineJourney(): Promise<Harness> {
  const h = await Harness.start();
  await completeScreening(h);
  await planAndStart(h, 'esketamine-nasal', '2026-03-09T09:00:00Z');
  return h;
}

/** Session 1 checked in, checked and dosed; the patient is under observation. */
async function doseFirstSession(h: Harness): Promise<void> {
  await h.advanceTo('2026-03-09T08:40:00Z');
  await h.send('session.checkedIn', {}, 'coordinator');
  await h.send('predose.fastingConfirmed', { lastFoodAt: '2026-03-09T05:00:00Z', lastLiquidAt: '2026-03-09T07:00:00Z' }, 'nurse');
  await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'taxi-with-adult' }, 'nurse');
  await h.send('predose.vitalsRecorded', { systolic: 120, diastolic: 78, heartRate: 70 }, 'nurse');
  await h.send('predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
  await h.send('predose.medicationsConfirmed', { classes: [], changedSinceLastSession: false }, 'nurse');
  await h.send('dose.recorded', { medication: 'esketamine', amountMg: 56, devices: 2, lot: 'L1', administration: 'self-administered-supervised' }, 'nurse');
  await h.advance(30);
}

describe('REMS forms outstanding when an esketamine journey is withdrawn or discontinued', () => {
  it('a journey withdrawn right after a dosed session stays active until the form is in, alerts when it is overdue, then ends', async () => {
    const h = await esketamineJourney();
    const ctx = await runSession(h, { route: 'esketamine-nasal' });
    const form = ctx.rems.forms[0];
    expect(form).toMatchObject({ sessionNumber: 1, submitted: null, overdue: false });
    expect(h.effectsOf('rems.formDue')).toHaveLength(1);

    const waiting = await h.send('journey.withdrawn', { reason: 'Moving abroad' }, 'patient');
    expect(waiting).toMatchObject({ stateLabel: 'closedAwaitingRemsForms', status: 'active', phase: 'closed' });
    expect(waiting.context['outcome']).toMatchObject({ kind: 'closed', reason: 'withdrew: Moving abroad' });
    expect(waiting.allowedEvents).toEqual(['rems.formSubmitted']);
    expect(waiting.blockedEvents).toEqual([]);
    // The form's overdue timer is still armed; every other timer of the course is gone.
    expect(waiting.timers.map((t) => [t.key, t.dueAt])).toEqual([['machine:rems-form-1', form?.dueAt]]);
    expect(h.effectsOf('journey.ended')).toHaveLength(0);
    // The form was announced once, at the discharge, not again at the withdrawal.
    expect(h.effectsOf('rems.formDue')).toHaveLength(1);

    // The journey has ended clinically: it cannot be withdrawn again.
    const again = await h.trySend('journey.withdrawn', {}, 'patient');
    expect(!again.ok && again.error.code).toBe('CJ_ERR_NOT_ALLOWED');
    expect(!again.ok && again.error.message).toBe('"journey.withdrawn" is not allowed in state closedAwaitingRemsForms. Allowed now: rems.formSubmitted. [CJ_ERR_NOT_ALLOWED]');

    // Seven days after the dose, the overdue timer fires as it would in care.
    expect(await h.advanceTo(Date.parse(form?.dueAt ?? '') - 60_000)).toEqual([]);
    expect(await h.advanceTo(Date.parse(form?.dueAt ?? ''))).toEqual(['machine:rems-form-1']);
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(expect.objectContaining({ kind: 'rems-form-overdue', sessionNumber: 1, patientRef: 'pt-0001' }));
    const overdue = await h.view();
    expect(overdue).toMatchObject({ stateLabel: 'closedAwaitingRemsForms', status: 'active', phase: 'closed' });
    expect((await h.context()).rems.forms[0]?.overdue).toBe(true);

    // The policy's roles still apply, and the form must be one that is due.
    const byPatient = await h.trySend('rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'patient');
    expect(!byPatient.ok && byPatient.error.code).toBe('CJ_ERR_FORBIDDEN');
    const unknown = await h.trySend('rems.formSubmitted', { sessionNumber: 2, submissionRef: 'REMS-F-2' }, 'nurse');
    expect(!unknown.ok && unknown.error.code).toBe('CJ_ERR_GUARD');
    expect(!unknown.ok && unknown.error.message).toContain('No REMS monitoring form is due for session 2');

    const done = await h.send('rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'coordinator');
    expect(done).toMatchObject({ stateLabel: 'closed', status: 'done', phase: 'closed', allowedEvents: [], timers: [] });
    expect(done.context['outcome']).toMatchObject({ kind: 'closed', reason: 'withdrew: Moving abroad' });
    expect((await h.context()).rems.forms[0]?.submitted).toMatchObject({ submissionRef: 'REMS-F-1' });
    expect(h.effectsOf('journey.ended').map((e) => e.payload)).toEqual([expect.objectContaining({ state: 'closed', phase: 'closed' })]);
    const last = (await h.engine.history(h.id)).at(-1);
    expect(last).toMatchObject({ type: 'rems.formSubmitted', from: 'closedAwaitingRemsForms', to: 'closed' });
  });

  it('a journey discontinued during a dosed session keeps the patient observed, then files the session’s form and waits for it', async () => {
    const h = await esketamineJourney();
    await doseFirstSession(h);
    expect((await h.state()).startsWith('care.clinical.treatment.course.induction.session.dosed')).toBe(true);
    expect(h.effectsOf('rems.formDue')).toHaveLength(0);

    // The discontinuation is recorded; the dosed patient stays under observation until discharge.
    const pending = await h.send('treatment.discontinued', { reason: 'Persistent dissociation, patient preference' }, 'physician');
    expect(pending.stateLabel).toBe('care.clinical.treatment.course.induction.session.dosed.monitoring|care.therapy.notLinked');
    expect(pending.context.pendingEnding).toMatchObject({ kind: 'discontinued', by: { role: 'physician' } });
    expect(pending.context.session?.stopped).toMatchObject({ kind: 'discontinued' });
    expect(pending.timers.map((t) => t.key)).toContain('machine:session-observation');
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(expect.objectContaining({ kind: 'ending-after-session', ending: 'discontinued', sessionNumber: 1 }));
    const waiting = await observeAndDischarge(h);
    expect(waiting).toMatchObject({ stateLabel: 'discontinuedAwaitingRemsForms', status: 'active', phase: 'discontinued' });
    expect(waiting.allowedEvents).toEqual(['rems.formSubmitted']);
    const ctx = await h.context();
    expect(ctx.sessions[0]).toMatchObject({ number: 1, outcome: 'aborted', discharge: { releasedTo: 'responsible-adult' } });
    expect(ctx.rems.forms).toEqual([
      { sessionNumber: 1, dueAt: new Date(Date.parse('2026-03-09T08:40:00Z') + 7 * DAY).toISOString(), submitted: null, overdue: false, form: expect.objectContaining({ sessionOutcome: 'aborted' }) },
    ]);
    expect(h.effectsOf('rems.formDue').map((e) => e.payload)).toEqual([expect.objectContaining({ sessionNumber: 1, sessionOutcome: 'aborted' })]);

    const withdrawn = await h.trySend('journey.withdrawn', { reason: 'Changed mind' }, 'patient');
    expect(!withdrawn.ok && withdrawn.error.code).toBe('CJ_ERR_NOT_ALLOWED');

    await h.advance(7 * 24 * 60);
    expect(h.effectsOf('care.alert').map((e) => e.payload)).toContainEqual(expect.objectContaining({ kind: 'rems-form-overdue', sessionNumber: 1 }));
    expect(await h.state()).toBe('discontinuedAwaitingRemsForms');

    const done = await h.send('rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'nurse');
    expect(done).toMatchObject({ stateLabel: 'discontinued', status: 'done', phase: 'discontinued' });
    expect(done.context['outcome']).toMatchObject({ kind: 'discontinued', reason: 'Persistent dissociation, patient preference' });
    expect(h.effectsOf('journey.ended').map((e) => e.payload)).toEqual([expect.objectContaining({ state: 'discontinued', phase: 'discontinued' })]);
  });

  it('a hold reviewed to discontinue, after a serious adverse event in a dosed session, waits for the session’s form', async () => {
    const h = await esketamineJourney();
    await doseFirstSession(h);
    await h.send('monitoring.adverseEventRecorded', { term: 'respiratory-depression', severity: 'severe', serious: true }, 'nurse');
    // The hold takes effect when the observed patient is handed over to the emergency department.
    expect(await h.state()).toBe('care.clinical.treatment.course.induction.session.dosed.monitoring|care.therapy.notLinked');
    expect((await h.context()).hold?.signals.map((x) => x.signal)).toEqual(['serious-adverse-event']);
    const transferred = await h.send('session.escalated', { destination: 'emergency-department', reference: 'ED-4471', reason: 'Respiratory depression' }, 'physician');
    expect(transferred.stateLabel).toBe('care.clinical.treatment.onHold|care.therapy.notLinked');
    expect(transferred.context.sessions[0]).toMatchObject({ outcome: 'transferred', transfer: { destination: 'emergency-department', reference: 'ED-4471' } });
    expect(h.effectsOf('rems.formDue').map((e) => e.payload)).toEqual([expect.objectContaining({ sessionOutcome: 'transferred', transfer: { destination: 'emergency-department', reference: 'ED-4471' } })]);
    const waiting = await h.send('hold.reviewed', { decision: 'discontinue', reason: 'Serious adverse event' }, 'physician');
    expect(waiting).toMatchObject({ stateLabel: 'discontinuedAwaitingRemsForms', status: 'active', phase: 'discontinued' });
    const done = await h.send('rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'nurse');
    expect(done).toMatchObject({ stateLabel: 'discontinued', status: 'done' });
    expect(h.effectsOf('journey.ended')).toHaveLength(1);
  });

  it('with every form submitted, withdrawal and discontinuation end the journey at once, as before', async () => {
    const withdrawn = await esketamineJourney();
    await runSession(withdrawn, { route: 'esketamine-nasal' });
    await withdrawn.send('rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'nurse');
    const closed = await withdrawn.send('journey.withdrawn', {}, 'patient');
    expect(closed).toMatchObject({ stateLabel: 'closed', status: 'done', phase: 'closed' });
    expect(withdrawn.effectsOf('journey.ended')).toHaveLength(1);

    const discontinued = await esketamineJourney();
    await runSession(discontinued, { route: 'esketamine-nasal' });
    await discontinued.send('rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'nurse');
    const stopped = await discontinued.send('treatment.discontinued', { reason: 'Patient preference' }, 'physician');
    expect(stopped).toMatchObject({ stateLabel: 'discontinued', status: 'done', phase: 'discontinued' });
    expect(discontinued.effectsOf('journey.ended')).toHaveLength(1);

    // Before any dose there is no form to wait for.
    const early = await esketamineJourney();
    expect(await early.send('journey.withdrawn', {}, 'coordinator')).toMatchObject({ stateLabel: 'closed', status: 'done' });
  });

  it('an IV journey withdrawn mid-course ends at once: no REMS form is due for racemic ketamine', async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-09T09:00:00Z');
    await runSession(h, { route: 'iv' });
    await runSession(h, { route: 'iv' });
    const view = await h.send('journey.withdrawn', { reason: 'Moving abroad' }, 'patient');
    expect(view).toMatchObject({ stateLabel: 'closed', status: 'done', phase: 'closed' });
    expect((await h.context()).rems.forms).toEqual([]);
    expect(h.effectsOf('rems.formDue')).toHaveLength(0);
    expect(h.effectsOf('journey.ended')).toHaveLength(1);
  });

  it('while waiting for forms, every other event type is refused and changes nothing', async () => {
    const h = await esketamineJourney();
    await runSession(h, { route: 'esketamine-nasal' });
    const waiting = await h.send('journey.withdrawn', {}, 'patient');
    const types = (Object.keys(ketamineJourneyEvents) as KetamineEventType[]).filter((t) => t !== 'rems.formSubmitted');
    for (const type of types) {
      const r = await h.trySend(type, eventSamples[type] as never, roleFor(type));
      expect(!r.ok && r.error.code, type).toBe('CJ_ERR_NOT_ALLOWED');
      expect(!r.ok && r.error.message, type).toBe(`"${type}" is not allowed in state closedAwaitingRemsForms. Allowed now: rems.formSubmitted. [CJ_ERR_NOT_ALLOWED]`);
    }
    expect((await h.view()).version).toBe(waiting.version);
  });
});
