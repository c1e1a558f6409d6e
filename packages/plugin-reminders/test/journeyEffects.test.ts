// Reminders keyed to the journey's effects: missed-session outreach (moved out of quiet hours),
// therapy-lapse follow-up, and in maintenance the session-due reminder and re-assessment.
import { describe, expect, it } from 'vitest';
import { HOUR, iso, JourneyScript, MIN } from './helpers/journeyScript.js';
import { bookedJourney, FIRST_SESSION, local, pendingReminders, runNextSession } from './helpers/scenarios.js';

const DAY = 86_400_000;

describe('reminders on journey effects', () => {
  it('tells the staff when a vitals reading is overdue (IV cadence), and when the 40-minute BP check is due', async () => {
    const { d, id } = await bookedJourney({ route: 'iv' });
    const due = FIRST_SESSION;
    const arrive = due - 20 * MIN;
    await d.advanceTo(arrive);
    await d.send(id, 'session.checkedIn', {}, 'coordinator');
    await d.send(id, 'predose.fastingConfirmed', { lastFoodAt: iso(due - 4 * HOUR), lastLiquidAt: iso(due - 90 * MIN) }, 'nurse');
    await d.send(id, 'predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'taxi-with-adult' }, 'coordinator');
    await d.send(id, 'predose.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 70, spo2: 98 }, 'nurse');
    await d.send(id, 'predose.contraindicationsChecked', { newFindings: [] }, 'nurse');
    await d.advanceTo(due);
    await d.send(id, 'dose.recorded', { medication: 'racemic-ketamine', amountMg: 35, infusionMinutes: 40, lot: 'L-7', administration: 'staff-administered' }, 'nurse');
    // No reading for 15 minutes (plus the 5-minute tolerance): the staff are told at 09:20.
    await d.advanceTo(due + 45 * MIN);
    const staff = d.host.delivered.filter((m) => m.audience === 'clinic' && m.at >= due);
    expect(staff.map((m) => `${m.kind} ${local(m.at)} ${m.channel}`)).toEqual(['monitoring.vitalsOverdue 2027-03-15 09:20 clinic-inbox', 'monitoring.bpCheck 2027-03-15 09:40 clinic-inbox']);
  });

  it('a hold raised during a dosed session: the no-driving notice still goes out at discharge, the patient\'s other reminders do not', async () => {
    const { d, id } = await bookedJourney();
    const script = new JourneyScript(id, 'pt-0001', 'hold-in-session');
    script.esketamineSession(FIRST_SESSION);
    const steps = script.steps;
    // The signal comes 30 minutes after the dose; the patient stays observed until discharge.
    const doseIndex = steps.findIndex((s) => s.kind === 'send' && s.type === 'dose.recorded');
    await d.run(steps.slice(0, doseIndex + 1));
    await d.advanceTo(FIRST_SESSION + 30 * MIN);
    await d.send(id, 'safety.signalReported', { signal: 'serious-adverse-event' }, 'nurse');
    expect((await pendingReminders(d, id)).filter((p) => !p.startsWith('rems.'))).toEqual([]);
    await d.run(steps.slice(doseIndex + 1));
    expect((await d.engine.get(id)).phase).toBe('on-hold');
    await d.advanceTo(FIRST_SESSION + 3 * DAY);
    const after = d.host.delivered.filter((m) => m.audience === 'patient' && m.at > FIRST_SESSION);
    expect(after.map((m) => `${m.kind} ${local(m.at)}`)).toEqual(['discharge.noDriving 2027-03-15 11:00']);
  });

  it('reaches out after a missed session; one missed late in the evening waits for the morning', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-10T08:00:00Z'));
    // Session 1 moves to 20:45 Berlin; nobody comes. The no-show fires at 21:15, in quiet hours.
    await d.send(id, 'session.rescheduled', { sessionNumber: 1, to: '2027-03-15T19:45:00Z', reason: 'Evening slot' }, 'coordinator');
    await d.advanceTo(Date.parse('2027-03-15T20:30:00Z'));
    expect((await d.engine.get(id)).stateLabel).toContain('missedReview');
    expect(d.host.ofKind('session.missedOutreach')).toEqual([]);
    expect(await pendingReminders(d, id)).toContain('session.missedOutreach s1 2027-03-16 08:00');
    await d.advanceTo(Date.parse('2027-03-16T08:00:00Z'));
    const outreach = d.host.ofKind('session.missedOutreach');
    expect(outreach.map((m) => `${local(m.at)} s${String(m.variables['sessionNumber'])}`)).toEqual(['2027-03-16 08:00 s1']);
    const record = (await d.reminders.outcomes(id)).find((r) => r.kind === 'session.missedOutreach');
    expect(record).toMatchObject({ outcome: 'delivered', quietHours: { movedFrom: '2027-03-15T20:15:00.000Z', direction: 'later' } });
    // Session 2 keeps its reminders while the clinician reviews the missed one.
    expect(d.host.delivered.filter((m) => m.kind === 'session.upcoming' && m.variables['sessionNumber'] === 2).map((m) => local(m.at))).toEqual(['2027-03-16 09:00']);
  });

  it('at-home sessions: the trusted adult is to be confirmed, the clinic told when it is not, no nasal-spray window', async () => {
    const { d, id } = await bookedJourney({ route: 'sublingual-home' });
    const pending = (await pendingReminders(d, id)).filter((p) => / s1(-|\s)/.test(p));
    expect(pending).toEqual([
      'session.companionUnconfirmed s1 2027-03-15 05:00',
      'session.fasting s1 2027-03-14 21:00',
      'session.trustedAdult s1 2027-03-14 09:00',
      'session.upcoming s1-24h 2027-03-14 09:00',
      'session.upcoming s1-2h 2027-03-14 21:00',
      'session.upcoming s1-48h 2027-03-13 09:00',
    ]);
    await d.advanceTo(FIRST_SESSION - HOUR);
    expect(d.host.ofKind('trustedAdult.confirm').map((m) => `${m.variables['companion']} ${m.variables['setting']}`)).toEqual(['trusted-adult home']);
    expect(d.host.ofKind('transport.confirm')).toEqual([]);
    expect(d.host.ofKind('session.fasting')[0]?.variables).toMatchObject({ nasalSteroidOrDecongestantNotAfter: null, noFoodAfter: '2027-03-15 07:00 (Europe/Berlin)' });
    expect(d.host.ofKind('companion.unconfirmed').map((m) => `${m.audience} ${String(m.variables['companion'])}`)).toEqual(['clinic trusted-adult']);
  });

  it('follows up a lapse of concurrent therapy', async () => {
    const { d, id } = await bookedJourney();
    await d.send(id, 'therapy.linked', { therapistRef: 'therapist-42', modality: 'cbt' }, 'coordinator');
    await runNextSession(d, id, 's1');
    await d.advanceTo(Date.parse('2027-03-08T08:00:00Z') + 30 * DAY + HOUR);
    const followUp = d.host.ofKind('therapy.followUp');
    expect(followUp.map((m) => `${local(m.at)} ${String(m.variables['gapDays'])}`)).toEqual(['2027-04-07 10:00 30']);
  });

  it('in maintenance: the session-due reminder a week ahead and the re-assessment', async () => {
    const { d, id } = await bookedJourney();
    for (let n = 1; n <= 12; n++) {
      await runNextSession(d, id, `s${n}`, n === 12 ? { followUpGad7: 6 } : {});
      const forms = (await d.context(id)).rems.forms.filter((f) => f.submitted === null);
      for (const f of forms) await d.send(id, 'rems.formSubmitted', { sessionNumber: f.sessionNumber, submissionRef: `F-${f.sessionNumber}` }, 'nurse');
    }
    // The journey proposes the response; the physician decides maintenance every 14 days.
    await d.send(id, 'response.decided', { decision: 'maintenance', reason: 'Response: 16 to 6 on GAD-7', everyDays: 14 }, 'physician');
    const ctx = await d.context(id);
    expect((await d.engine.get(id)).phase).toBe('maintenance');
    const next = ctx.schedule.find((s) => s.phase === 'maintenance' && s.status === 'planned');
    expect(next).toBeDefined();
    const due = Date.parse(next?.dueAt ?? '');
    await d.advanceTo(due - HOUR);
    const maintenance = d.host.ofKind('maintenance.due');
    expect(maintenance.map((m) => `${local(m.at)} ${String(m.variables['sessionAt'])}`)).toEqual([`${local(due - 7 * DAY)} ${local(due)} (Europe/Berlin)`]);
    // The journey asks for a re-assessment four weeks into maintenance.
    const start = Date.parse(ctx.maintenance.startedAt ?? '');
    await d.advanceTo(start + 28 * DAY + HOUR);
    const assessment = d.host.delivered.filter((m) => m.templateKey === 'assessment.due');
    expect(assessment.map((m) => String(m.variables['instrument']))).toEqual(['GAD-7']);
    expect(iso(assessment[0]?.at ?? 0)).toBe(iso(start + 28 * DAY));
  });
});
