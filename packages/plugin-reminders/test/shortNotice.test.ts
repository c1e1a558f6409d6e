// Reminders planned too late for their time: a session booked or moved at short notice, a change
// the plugin saw late. None is dropped without a record: an instruction before a session still
// ahead goes out at once (marked late), the fasting and ride-home ones in quiet hours too; of
// several of one rule only the last goes out (the others are superseded); any whose moment has
// passed is recorded as expired.
import { describe, expect, it } from 'vitest';
import type { ReminderRecord } from '../src/index.js';
import { actors, HOUR, iso, MIN } from './helpers/journeyScript.js';
import { bookedJourney, FIRST_SESSION, local, pendingReminders, pluginlessEngine } from './helpers/scenarios.js';

/** Session 1's records about `aboutAt`, as "outcome rule subject-ish reason". */
const about = (records: readonly ReminderRecord[], aboutAt: number) =>
  records.filter((r) => r.aboutAt === iso(aboutAt)).map((r) => `${r.outcome} ${r.rule} ${r.reason ?? '-'} ${local(Date.parse(r.plannedAt))}`);

describe('a session booked at short notice', () => {
  it('gets its overdue reminders at once, marked late: one session reminder, the ride-home request, nothing lost', async () => {
    // Sunday 13:00 in Berlin, session 1 booked for Monday 09:00: 20 hours ahead.
    const bookedAt = Date.parse('2027-03-14T12:00:00Z');
    const { d, id } = await bookedJourney({ intakeAt: bookedAt, firstSessionAt: FIRST_SESSION });
    // The 48 h (Saturday 09:00) and 24 h (Sunday 09:00) reminders and the ride-home request
    // (Sunday 09:00) were due before the booking.
    expect(d.host.delivered.map((m) => `${m.kind} ${local(m.at)} late=${String(m.late)} ${String(m.variables['sessionAt'])}`)).toEqual([
      'session.upcoming 2027-03-14 13:00 late=true 2027-03-15 09:00 (Europe/Berlin)',
      'transport.confirm 2027-03-14 13:00 late=true 2027-03-15 09:00 (Europe/Berlin)',
    ]);
    expect(d.host.ofKind('session.upcoming')[0]?.variables['hoursBefore']).toBe(24);
    const records = await d.reminders.outcomes(id);
    expect(about(records, FIRST_SESSION)).toEqual([
      'suppressed session.upcoming superseded 2027-03-13 09:00',
      'delivered session.upcoming - 2027-03-14 09:00',
      'delivered session.transport - 2027-03-14 09:00',
    ]);
    expect(records.find((r) => r.rule === 'session.transport')?.lateMinutes).toBe(240);
    // The rest of session 1's reminders are still ahead, and go out at their times.
    expect((await pendingReminders(d, id)).filter((p) => / s1(-|\s)/.test(p))).toEqual([
      'session.companionUnconfirmed s1 2027-03-15 05:00',
      'session.fasting s1 2027-03-14 21:00',
      'session.upcoming s1-2h 2027-03-14 21:00',
    ]);
    await d.advanceTo(FIRST_SESSION - HOUR);
    expect(d.host.delivered.filter((m) => m.variables['sessionNumber'] === 1).map((m) => `${m.kind} ${local(m.at)}`)).toEqual([
      'session.upcoming 2027-03-14 13:00',
      'transport.confirm 2027-03-14 13:00',
      'session.fasting 2027-03-14 21:00',
      'session.upcoming 2027-03-14 21:00',
      'companion.unconfirmed 2027-03-15 05:00',
    ]);
    // Every reminder about session 1 has exactly one outcome: three session reminders, fasting,
    // the ride home, and the clinic's deadline.
    const final = (await d.reminders.outcomes(id)).filter((r) => r.aboutAt === iso(FIRST_SESSION));
    expect(new Set(final.map((r) => r.deliveryId)).size).toBe(final.length);
    expect(final.map((r) => r.rule).sort()).toEqual(['session.companionUnconfirmed', 'session.fasting', 'session.transport', 'session.upcoming', 'session.upcoming', 'session.upcoming']);
  });

  it('a booking a week ahead plans everything at its time and sends nothing at once (the twin)', async () => {
    const { d, id } = await bookedJourney();
    expect(d.host.delivered).toEqual([]);
    expect((await d.reminders.outcomes(id)).filter((r) => r.aboutAt === iso(FIRST_SESSION))).toEqual([]);
  });
});

describe('a late reschedule', () => {
  it('on Sunday evening to Monday 11:00: the new time gets its overdue reminders at once, the old ones are cancelled', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-14T19:00:00Z')); // Sunday 20:00
    const before = d.host.calls.length;
    const moved = Date.parse('2027-03-15T10:00:00Z'); // Monday 11:00
    await d.send(id, 'session.rescheduled', { sessionNumber: 1, to: iso(moved), reason: 'Clinician unavailable in the morning' }, 'coordinator');
    const now = d.host.calls.slice(before);
    expect(now.map((m) => `${m.kind} ${local(m.at)} late=${String(m.late)} ${String(m.variables['sessionAt'])}`)).toEqual([
      'session.upcoming 2027-03-14 20:00 late=true 2027-03-15 11:00 (Europe/Berlin)',
      'transport.confirm 2027-03-14 20:00 late=true 2027-03-15 11:00 (Europe/Berlin)',
    ]);
    const records = await d.reminders.outcomes(id);
    expect(about(records, moved)).toEqual([
      'suppressed session.upcoming superseded 2027-03-13 11:00',
      'delivered session.upcoming - 2027-03-14 11:00',
      'delivered session.transport - 2027-03-14 11:00',
    ]);
    // The old time's reminders still pending were cancelled, never delivered.
    expect(records.filter((r) => r.aboutAt === iso(FIRST_SESSION) && r.outcome === 'cancelled').map((r) => `${r.rule} ${r.reason}`).sort()).toEqual([
      'session.companionUnconfirmed stale',
      'session.fasting stale',
      'session.upcoming stale',
    ]);
    expect((await pendingReminders(d, id)).filter((p) => / s1(-|\s)/.test(p))).toEqual([
      'session.companionUnconfirmed s1 2027-03-15 07:00',
      'session.fasting s1 2027-03-15 08:00',
      'session.upcoming s1-2h 2027-03-15 09:00',
    ]);
  });

  it('late at night to Monday 09:30: fasting goes out at once in quiet hours, its move earlier stopped at now', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-14T22:00:00Z')); // Sunday 23:00, quiet hours
    const before = d.host.calls.length;
    const moved = Date.parse('2027-03-15T08:30:00Z'); // Monday 09:30
    await d.send(id, 'session.rescheduled', { sessionNumber: 1, to: iso(moved), reason: 'Moved by half an hour' }, 'coordinator');
    // The 2 h reminder (07:30) and the fasting one (06:30) would move to 21:00, which has passed:
    // they go now. The 2 h one is the last of the session reminders, so the 48 h and 24 h ones are superseded.
    expect(d.host.calls.slice(before).map((m) => `${m.kind} ${local(m.at)} late=${String(m.late)}`)).toEqual([
      'session.upcoming 2027-03-14 23:00 late=false',
      'session.fasting 2027-03-14 23:00 late=false',
      'transport.confirm 2027-03-14 23:00 late=true',
    ]);
    const records = (await d.reminders.outcomes(id)).filter((r) => r.aboutAt === iso(moved));
    expect(records.map((r) => `${r.outcome} ${r.rule} ${r.reason ?? '-'}`)).toEqual([
      'suppressed session.upcoming superseded',
      'suppressed session.upcoming superseded',
      'delivered session.upcoming -',
      'delivered session.fasting -',
      'delivered session.transport -',
    ]);
    expect(records.find((r) => r.rule === 'session.fasting')).toMatchObject({
      plannedAt: '2027-03-14T22:00:00.000Z',
      quietHours: { movedFrom: iso(moved - 2 * HOUR - 60 * MIN), direction: 'earlier' },
    });
    expect(await pendingReminders(d, id)).toContain('session.companionUnconfirmed s1 2027-03-15 05:30');
  });
});

describe('a change the plugin saw late', () => {
  /** Session 1 moved from Monday 09:00 to 15:00 by a process without the plugin, on Saturday. */
  async function movedElsewhere() {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-13T10:00:00Z'));
    const moved = Date.parse('2027-03-15T14:00:00Z');
    const r = await pluginlessEngine(d).send(id, { type: 'session.rescheduled', sessionNumber: 1, to: iso(moved), reason: 'Moved at the front desk' }, { actor: actors.coordinator });
    expect(r.ok).toBe(true);
    return { d, id, moved };
  }

  it('catches up while the session is ahead: the overdue instructions go out at once, the clinic is told of the unconfirmed ride', async () => {
    const { d, id, moved } = await movedElsewhere();
    await d.advanceTo(Date.parse('2027-03-15T11:30:00Z')); // Monday 12:30; the session is at 15:00
    const before = d.host.calls.length;
    await d.send(id, 'therapy.linked', { therapistRef: 'therapist-42', modality: 'cbt' }, 'coordinator');
    expect(d.host.calls.slice(before).map((m) => `${m.audience} ${m.kind} late=${String(m.late)}`)).toEqual([
      'patient session.upcoming late=true',
      'patient session.fasting late=true',
      'patient transport.confirm late=true',
      'clinic companion.unconfirmed late=true',
    ]);
    const records = (await d.reminders.outcomes(id)).filter((r) => r.aboutAt === iso(moved));
    expect(records.filter((r) => r.outcome === 'suppressed').map((r) => `${r.rule} ${r.reason}`)).toEqual(['session.upcoming superseded']);
    // The 2 h reminder (13:00) is still ahead.
    expect(await pendingReminders(d, id)).toContain('session.upcoming s1-2h 2027-03-15 13:00');
  });

  it('after the session began: every reminder about it is recorded as expired, none is sent', async () => {
    const { d, id, moved } = await movedElsewhere();
    await d.advanceTo(moved + 20 * MIN);
    const before = d.host.calls.length;
    await d.send(id, 'therapy.linked', { therapistRef: 'therapist-42', modality: 'cbt' }, 'coordinator');
    expect(d.host.calls.slice(before).filter((m) => m.variables['sessionNumber'] === 1)).toEqual([]);
    const records = (await d.reminders.outcomes(id)).filter((r) => r.aboutAt === iso(moved));
    expect(records.map((r) => `${r.outcome} ${r.rule} ${r.reason}`).sort()).toEqual(
      ['session.companionUnconfirmed', 'session.fasting', 'session.transport', 'session.upcoming', 'session.upcoming', 'session.upcoming'].map((rule) => `suppressed ${rule} expired`),
    );
  });
});
