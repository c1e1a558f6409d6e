// What waits to go out is queryable before it does: each pending reminder with its time, the move
// quiet hours made (from when, which way), and a retry's attempt and time.
import { describe, expect, it } from 'vitest';
import { remindersPlugin } from '../src/index.js';
import { HOUR, iso, MIN } from './helpers/journeyScript.js';
import { bookedJourney, FIRST_SESSION } from './helpers/scenarios.js';

describe('pending reminders', () => {
  it('shows a quiet-hours move while the reminder waits, and the same move once it went out', async () => {
    const { d, id } = await bookedJourney();
    const pending = await d.reminders.pending(id);
    const aboutS1 = pending.filter((r) => r.aboutAt === iso(FIRST_SESSION));
    // Monday 09:00 session: the 2 h reminder (07:00) and fasting (06:00) moved to Sunday 21:00.
    const twoHours = aboutS1.find((r) => r.rule === 'session.upcoming' && r.quietHours !== null);
    expect(twoHours).toEqual({
      deliveryId: expect.any(String),
      rule: 'session.upcoming',
      kind: 'session.upcoming',
      audience: 'patient',
      templateKey: 'session.upcoming',
      attempt: 1,
      aboutAt: iso(FIRST_SESSION),
      plannedAt: '2027-03-14T20:00:00.000Z',
      dueAt: '2027-03-14T20:00:00.000Z',
      quietHours: { movedFrom: iso(FIRST_SESSION - 2 * HOUR), direction: 'earlier' },
    });
    expect(aboutS1.find((r) => r.rule === 'session.fasting')?.quietHours).toEqual({ movedFrom: iso(FIRST_SESSION - 3 * HOUR), direction: 'earlier' });
    // The twin: a reminder outside quiet hours shows no move.
    expect(aboutS1.filter((r) => r.rule === 'session.upcoming' && r.quietHours === null).map((r) => r.plannedAt)).toEqual(['2027-03-13T08:00:00.000Z', '2027-03-14T08:00:00.000Z']);
    // Soonest first.
    expect(pending.map((r) => r.dueAt)).toEqual([...pending.map((r) => r.dueAt)].sort());

    await d.advanceTo(Date.parse('2027-03-14T20:00:00Z'));
    expect((await d.reminders.pending(id)).map((r) => r.deliveryId)).not.toContain(twoHours?.deliveryId);
    const delivered = (await d.reminders.outcomes(id)).find((r) => r.deliveryId === twoHours?.deliveryId);
    expect(delivered).toMatchObject({ outcome: 'delivered', plannedAt: twoHours?.plannedAt, quietHours: twoHours?.quietHours });
  });

  it('shows a failed delivery waiting for its retry', async () => {
    const { d, id } = await bookedJourney();
    d.host.fail = (m) => (m.kind === 'session.upcoming' && m.attempt === 1 ? 'throw' : undefined);
    await d.advanceTo(Date.parse('2027-03-13T08:00:00Z'));
    const retry = (await d.reminders.pending(id)).find((r) => r.attempt === 2);
    expect(retry).toMatchObject({ rule: 'session.upcoming', plannedAt: '2027-03-13T08:00:00.000Z', dueAt: iso(Date.parse('2027-03-13T08:00:00Z') + MIN), quietHours: null });
  });

  it('refuses a malformed journey id; an unknown journey has none pending; it needs an engine', async () => {
    const { d } = await bookedJourney();
    await expect(d.reminders.pending('')).rejects.toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT', message: expect.stringContaining('pending: journeyId must be a journey id') }));
    expect(await d.reminders.pending('j-unknown')).toEqual([]);
    await expect(remindersPlugin({ deliver: () => undefined }).pending('j-1')).rejects.toThrowError(expect.objectContaining({ code: 'CJ_ERR_PLUGIN' }));
  });
});
