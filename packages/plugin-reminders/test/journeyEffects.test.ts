// Reminders keyed to the journey's effects: missed-session outreach (moved out of quiet hours),
// therapy-lapse follow-up, and in maintenance the session-due reminder and re-assessment.
import { describe, expect, it } from 'vitest';
import { HOUR, iso } from './helpers/journeyScript.js';
import { bookedJourney, local, pendingReminders, runNextSession } from './helpers/scenarios.js';

const DAY = 86_400_000;

describe('reminders on journey effects', () => {
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
    const view = await d.engine.get(id);
    // The physician decides maintenance every 14 days where the journey asks for that decision.
    if (view.allowedEvents.includes('response.decided')) {
      await d.send(id, 'response.decided', { decision: 'maintenance', reason: 'Response: 16 to 6 on GAD-7', everyDays: 14 }, 'physician');
    }
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
