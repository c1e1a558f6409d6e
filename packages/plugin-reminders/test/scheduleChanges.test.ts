// Reminders follow the schedule: a reschedule re-arms them under new identities (the old timers
// are cancelled, never delivered); a cancelled session loses its reminders; a hold cancels the
// patient's reminders and keeps the clinic's; a resume re-plans them; an ending cancels them.
// A change made where the plugin did not see it is caught when the reminder comes due.
import { describe, expect, it } from 'vitest';
import { actors, HOUR, iso } from './helpers/journeyScript.js';
import { bookedJourney, FIRST_SESSION, local, pendingReminders, pluginlessEngine, runNextSession } from './helpers/scenarios.js';

const DAY = 86_400_000;
const SESSION_2 = Date.parse('2027-03-18T08:00:00Z'); // Thursday 09:00 Berlin

/** The payload that resumes a hold with the next session booked at `nextSessionAt`. */
const resume = (nextSessionAt: number) => ({ decision: 'resume', reason: 'Reviewed: no ongoing risk', nextSessionAt: iso(nextSessionAt) });

describe('reschedule and cancel', () => {
  it('re-arms a rescheduled session: the stale timers are cancelled, the new time gets every reminder', async () => {
    const { d, id } = await bookedJourney();
    expect(await pendingReminders(d, id)).toEqual(
      expect.arrayContaining([
        'session.upcoming s1-48h 2027-03-13 09:00',
        'session.upcoming s1-24h 2027-03-14 09:00',
        'session.upcoming s1-2h 2027-03-14 21:00',
        'session.fasting s1 2027-03-14 21:00',
        'session.transport s1 2027-03-14 09:00',
        'session.companionUnconfirmed s1 2027-03-15 05:00',
      ]),
    );
    await d.advanceTo(Date.parse('2027-03-10T08:00:00Z'));
    // Session 1 moves from Monday 09:00 to Tuesday 14:00.
    const moved = Date.parse('2027-03-16T13:00:00Z');
    await d.send(id, 'session.rescheduled', { sessionNumber: 1, to: iso(moved), reason: 'Patient asked for the afternoon' }, 'coordinator');
    const pending = await pendingReminders(d, id);
    expect(pending.filter((p) => / s1(-|\s)/.test(p))).toEqual([
      'session.companionUnconfirmed s1 2027-03-16 10:00',
      'session.fasting s1 2027-03-16 11:00',
      'session.transport s1 2027-03-15 14:00',
      'session.upcoming s1-24h 2027-03-15 14:00',
      'session.upcoming s1-2h 2027-03-16 12:00',
      'session.upcoming s1-48h 2027-03-14 14:00',
    ]);
    const cancelled = (await d.reminders.outcomes(id)).filter((r) => r.outcome === 'cancelled');
    expect(cancelled.map((r) => `${r.rule} ${r.reason} ${r.aboutAt}`).sort()).toEqual(
      [
        'session.companionUnconfirmed',
        'session.fasting',
        'session.transport',
        'session.upcoming',
        'session.upcoming',
        'session.upcoming',
      ].map((rule) => `${rule} stale ${iso(FIRST_SESSION)}`),
    );

    await d.advanceTo(moved - HOUR);
    const s1 = d.host.delivered.filter((m) => m.variables['sessionNumber'] === 1);
    // Nothing about the old time went out; everything about the new time did, at its time.
    expect(s1.every((m) => m.variables['sessionAt'] === '2027-03-16 14:00 (Europe/Berlin)')).toBe(true);
    expect(s1.map((m) => `${m.kind} ${local(m.at)}`)).toEqual([
      'session.upcoming 2027-03-14 14:00',
      'transport.confirm 2027-03-15 14:00',
      'session.upcoming 2027-03-15 14:00',
      'companion.unconfirmed 2027-03-16 10:00',
      'session.fasting 2027-03-16 11:00',
      'session.upcoming 2027-03-16 12:00',
    ]);
  });

  it('cancels the reminders of a cancelled session and keeps the next session\'s', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-12T08:00:00Z'));
    await d.send(id, 'session.cancelled', { reason: 'Patient unwell with a cold' }, 'coordinator');
    expect((await pendingReminders(d, id)).some((p) => / s1(-|\s)/.test(p))).toBe(false);
    await d.advanceTo(SESSION_2 - HOUR);
    const delivered = d.host.delivered.filter((m) => m.audience === 'patient');
    expect(delivered.filter((m) => m.variables['sessionNumber'] === 1)).toEqual([]);
    expect(delivered.filter((m) => m.variables['sessionNumber'] === 2).map((m) => `${m.kind} ${local(m.at)}`)).toEqual([
      'session.upcoming 2027-03-16 09:00',
      'transport.confirm 2027-03-17 09:00',
      'session.upcoming 2027-03-17 09:00',
      'session.fasting 2027-03-17 21:00',
      'session.upcoming 2027-03-17 21:00',
    ]);
    const records = await d.reminders.outcomes(id);
    expect(records.filter((r) => r.outcome === 'cancelled' && r.reason === 'stale').length).toBeGreaterThanOrEqual(5);
    expect(records.filter((r) => r.outcome === 'delivered' && Date.parse(r.aboutAt) === FIRST_SESSION)).toEqual([]);
  });

  it('re-checks at fire time: a session moved by a process without the plugin is not reminded at its old time', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-12T08:00:00Z'));
    const other = pluginlessEngine(d);
    const moved = Date.parse('2027-03-16T13:00:00Z');
    const r = await other.send(id, { type: 'session.rescheduled', sessionNumber: 1, to: iso(moved), reason: 'Moved at the front desk' }, { actor: actors.coordinator });
    expect(r.ok).toBe(true);
    // The stale timers are still there: the plugin did not see the change...
    expect(await pendingReminders(d, id)).toContain('session.upcoming s1-48h 2027-03-13 09:00');
    await d.advanceTo(Date.parse('2027-03-13T09:00:00Z'));
    // ...and when they come due, the session is no longer planned at that time: suppressed, stale.
    expect(d.host.delivered.filter((m) => m.variables['sessionNumber'] === 1)).toEqual([]);
    const suppressed = (await d.reminders.outcomes(id)).filter((rec) => rec.outcome === 'suppressed');
    expect(suppressed.map((rec) => `${rec.rule} ${rec.reason}`)).toEqual(['session.upcoming stale']);
    // The next change the plugin sees re-plans the moved session.
    await d.send(id, 'therapy.linked', { therapistRef: 'therapist-42', modality: 'cbt' }, 'coordinator');
    expect(await pendingReminders(d, id)).toContain('session.upcoming s1-24h 2027-03-15 14:00');
    expect(await pendingReminders(d, id)).not.toContain('session.upcoming s1-24h 2027-03-14 09:00');
  });
});

describe('hold and resume', () => {
  it('cancels the patient reminders on hold, keeps the clinic ones, and re-plans on resume', async () => {
    const { d, id } = await bookedJourney();
    const s1 = await runNextSession(d, id, 's1');
    expect(d.host.ofKind('discharge.noDriving').map((m) => local(m.at))).toEqual([local(s1.dischargeAt)]);
    // The next morning, before the check-in call, a safety signal puts treatment on hold.
    await d.advanceTo(Date.parse('2027-03-16T06:00:00Z'));
    await d.send(id, 'safety.signalReported', { signal: 'suicidality' }, 'physician');
    const pending = await pendingReminders(d, id);
    // Patient reminders are gone (the next-day check-in and every session reminder); the clinic's
    // reminder for the outstanding REMS form of session 1 stays.
    expect(pending).toEqual(['rems.formDueSoon rems-s1 2027-03-21 09:00']);
    const cancelled = (await d.reminders.outcomes(id)).filter((r) => r.outcome === 'cancelled');
    expect(cancelled.every((r) => r.reason === 'hold')).toBe(true);
    expect(cancelled.map((r) => r.rule)).toContain('discharge.checkIn');
    expect(cancelled.map((r) => r.rule)).toContain('session.upcoming');

    // A day later the physician resumes treatment, with session 2 on Friday 10:00 instead of Thursday 09:00.
    await d.advanceTo(Date.parse('2027-03-17T06:00:00Z'));
    const before = d.host.calls.length;
    const friday = Date.parse('2027-03-19T09:00:00Z');
    await d.send(id, 'hold.reviewed', resume(friday), 'physician');
    const replanned = (await d.context(id)).schedule.filter((s) => s.status === 'planned');
    expect(replanned[0]?.dueAt).toBe(iso(friday));
    await d.advanceTo(friday - HOUR);
    const after = d.host.delivered.filter((m) => m.audience === 'patient' && d.host.calls.indexOf(m) >= before);
    expect(after.map((m) => `${m.kind} s${String(m.variables['sessionNumber'])} ${local(m.at)} ${String(m.variables['sessionAt'])}`)).toEqual([
      'session.upcoming s2 2027-03-17 10:00 2027-03-19 10:00 (Europe/Berlin)',
      'transport.confirm s2 2027-03-18 10:00 2027-03-19 10:00 (Europe/Berlin)',
      'session.upcoming s2 2027-03-18 10:00 2027-03-19 10:00 (Europe/Berlin)',
      // No food from 08:00: the reminder an hour before (07:00) is in quiet hours.
      'session.fasting s2 2027-03-18 21:00 2027-03-19 10:00 (Europe/Berlin)',
      'session.upcoming s2 2027-03-19 08:00 2027-03-19 10:00 (Europe/Berlin)',
    ]);
    // Nothing reached the patient while on hold, and nothing about session 2's old time ever did.
    const during = d.host.delivered.filter((m) => m.audience === 'patient' && m.at > Date.parse('2027-03-16T06:00:00Z') && m.at < Date.parse('2027-03-17T06:00:00Z'));
    expect(during).toEqual([]);
    expect(d.host.delivered.filter((m) => m.variables['sessionAt'] === '2027-03-18 09:00 (Europe/Berlin)')).toEqual([]);
  });

  it('re-checks at fire time: a hold placed by a process without the plugin suppresses the reminder (hold)', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-12T08:00:00Z'));
    const other = pluginlessEngine(d);
    const r = await other.send(id, { type: 'safety.signalReported', signal: 'pregnancy' }, { actor: actors.physician });
    expect(r.ok).toBe(true);
    await d.advanceTo(Date.parse('2027-03-13T09:00:00Z'));
    expect(d.host.delivered).toEqual([]);
    expect((await d.reminders.outcomes(id)).map((rec) => `${rec.outcome} ${rec.rule} ${rec.reason}`)).toEqual(['suppressed session.upcoming hold']);
  });
});

describe('ending', () => {
  it('cancels patient reminders when treatment is discontinued; the clinic keeps its REMS form reminders until the form is in', async () => {
    const { d, id } = await bookedJourney();
    await runNextSession(d, id, 's1');
    await d.advanceTo(Date.parse('2027-03-16T12:00:00Z'));
    await d.send(id, 'treatment.discontinued', { reason: 'Patient moved away; care transferred' }, 'physician');
    expect((await d.engine.get(id)).phase).toBe('discontinued');
    expect(await pendingReminders(d, id)).toEqual(['rems.formDueSoon rems-s1 2027-03-21 09:00']);
    expect((await d.reminders.outcomes(id)).filter((r) => r.outcome === 'cancelled').every((r) => r.reason === 'ended')).toBe(true);
    await d.advanceTo(Date.parse('2027-03-21T10:00:00Z'));
    expect(d.host.delivered.filter((m) => m.at > Date.parse('2027-03-16T12:00:00Z')).map((m) => `${m.audience} ${m.kind} ${local(m.at)}`)).toEqual([
      'clinic rems.formDue 2027-03-21 09:00',
    ]);
    await d.send(id, 'rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'nurse');
    expect((await d.engine.get(id)).status).toBe('done');
    expect(await pendingReminders(d, id)).toEqual([]);
  });

  it('cancels everything pending when the patient withdraws, and sends nothing afterwards', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-10T08:00:00Z'));
    await d.send(id, 'journey.withdrawn', {}, 'patient');
    expect(await pendingReminders(d, id)).toEqual([]);
    await d.advanceTo(FIRST_SESSION + 30 * DAY);
    expect(d.host.calls).toEqual([]);
    const records = await d.reminders.outcomes(id);
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => `${r.outcome} ${r.reason}`))).toEqual(new Set(['cancelled ended']));
  });
});


describe('schedule changes by a clinician', () => {
  /** A session's pending reminders, as "rule local-time". */
  const ofSession = async (d: Awaited<ReturnType<typeof bookedJourney>>['d'], id: string, n: number) =>
    (await pendingReminders(d, id)).filter((p) => new RegExp(` s${n}(-|\\s)`).test(p)).map((p) => p.replace(new RegExp(` s${n}(-\\d+h)?`), '$1'));

  it('a missed session reviewed for worsening returns to the previous schedule: the moved sessions are reminded at their new times', async () => {
    const { d, id } = await bookedJourney();
    // Nobody comes to session 1 on Monday 09:00; the no-show fires at 09:30.
    await d.advanceTo(FIRST_SESSION + HOUR);
    expect((await d.engine.get(id)).stateLabel).toContain('missedReview');
    expect(await ofSession(d, id, 2)).toEqual([
      'session.companionUnconfirmed 2027-03-18 05:00',
      'session.fasting 2027-03-17 21:00',
      'session.transport 2027-03-17 09:00',
      'session.upcoming-24h 2027-03-17 09:00',
      'session.upcoming-2h 2027-03-17 21:00',
      'session.upcoming-48h 2027-03-16 09:00',
    ]);
    // At 13:00 the physician brings session 2 forward from Thursday to Wednesday 09:00.
    await d.advanceTo(Date.parse('2027-03-15T12:00:00Z'));
    const before = d.host.calls.length;
    const wednesday = Date.parse('2027-03-17T08:00:00Z');
    await d.send(id, 'session.missedReviewed', { worsening: true, decision: 'return-to-previous-schedule', nextSessionAt: iso(wednesday) }, 'physician');
    expect((await d.context(id)).schedule.find((s) => s.number === 2)?.dueAt).toBe(iso(wednesday));
    expect(await ofSession(d, id, 2)).toEqual([
      'session.companionUnconfirmed 2027-03-17 05:00',
      'session.fasting 2027-03-16 21:00',
      'session.transport 2027-03-16 09:00',
      'session.upcoming-24h 2027-03-16 09:00',
      'session.upcoming-2h 2027-03-16 21:00',
    ]);
    // The 48 h reminder of the new time (Monday 09:00) had passed: it goes out at once.
    expect(d.host.calls.slice(before).map((m) => `${m.kind} s${String(m.variables['sessionNumber'])} ${local(m.at)} late=${String(m.late)} ${String(m.variables['sessionAt'])}`)).toEqual([
      'session.upcoming s2 2027-03-15 13:00 late=true 2027-03-17 09:00 (Europe/Berlin)',
    ]);
    const thursday = Date.parse('2027-03-18T08:00:00Z');
    const cancelled = (await d.reminders.outcomes(id)).filter((r) => r.aboutAt === iso(thursday) && r.outcome === 'cancelled');
    expect(cancelled.map((r) => `${r.rule} ${r.reason}`).sort()).toEqual(
      ['session.companionUnconfirmed', 'session.fasting', 'session.transport', 'session.upcoming', 'session.upcoming', 'session.upcoming'].map((rule) => `${rule} stale`),
    );
    await d.advanceTo(thursday + DAY);
    expect(d.host.delivered.filter((m) => m.variables['sessionAt'] === '2027-03-18 09:00 (Europe/Berlin)')).toEqual([]);
  });

  it('a changed maintenance cadence moves the next session: its reminders follow, the old ones are cancelled', async () => {
    // A one-session induction, so the journey reaches maintenance quickly.
    const { d, id } = await bookedJourney({ protocol: { routes: { 'esketamine-nasal': { induction: [{ weeks: 1, days: [0] }] } } } });
    await runNextSession(d, id, 's1', { followUpGad7: 6 });
    await d.send(id, 'rems.formSubmitted', { sessionNumber: 1, submissionRef: 'REMS-F-1' }, 'nurse');
    await d.send(id, 'response.decided', { decision: 'maintenance', reason: 'Response: 16 to 6 on GAD-7', everyDays: 14 }, 'physician');
    expect((await d.engine.get(id)).phase).toBe('maintenance');
    const fortnight = Date.parse('2027-03-29T07:00:00Z'); // Monday 09:00, summer time
    expect((await d.context(id)).schedule.find((s) => s.number === 2)?.dueAt).toBe(iso(fortnight));
    expect(await ofSession(d, id, 2)).toContain('maintenance.due 2027-03-22 09:00');

    // On Friday the physician shortens the interval to 10 days: session 2 moves to Thursday 25th.
    await d.advanceTo(Date.parse('2027-03-19T09:00:00Z'));
    const before = d.host.calls.length;
    await d.send(id, 'maintenance.cadenceChanged', { everyDays: 10, reason: 'Symptoms return before two weeks' }, 'physician');
    const tenDays = Date.parse('2027-03-25T08:00:00Z');
    expect((await d.context(id)).schedule.find((s) => s.number === 2)?.dueAt).toBe(iso(tenDays));
    expect(await ofSession(d, id, 2)).toEqual([
      'session.companionUnconfirmed 2027-03-25 05:00',
      'session.fasting 2027-03-24 21:00',
      'session.transport 2027-03-24 09:00',
      'session.upcoming-24h 2027-03-24 09:00',
      'session.upcoming-2h 2027-03-24 21:00',
      'session.upcoming-48h 2027-03-23 09:00',
    ]);
    // Its week-ahead reminder (Thursday 18th) had passed: it goes out at once.
    expect(d.host.calls.slice(before).map((m) => `${m.kind} ${local(m.at)} late=${String(m.late)} ${String(m.variables['sessionAt'])}`)).toEqual([
      'maintenance.due 2027-03-19 10:00 late=true 2027-03-25 09:00 (Europe/Berlin)',
    ]);
    const cancelled = (await d.reminders.outcomes(id)).filter((r) => r.aboutAt === iso(fortnight) && r.outcome === 'cancelled');
    expect(cancelled.map((r) => r.rule).sort()).toEqual([
      'maintenance.due',
      'session.companionUnconfirmed',
      'session.fasting',
      'session.transport',
      'session.upcoming',
      'session.upcoming',
      'session.upcoming',
    ]);
    expect(cancelled.every((r) => r.reason === 'stale')).toBe(true);
  });
});
