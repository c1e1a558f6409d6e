// The no-driving notice after a dose is a safety notice: it goes out at discharge whatever the
// hour (quiet hours do not hold it back), whatever the patient's preferences say, and no option
// removes it. Its wording (template key) and channel stay the clinic's to choose.
import { describe, expect, it } from 'vitest';
import { isCareJourneyError } from '@carejourney/core';
import { defaultReminderRules, remindersPlugin, type DefaultRuleOptions, type RemindersOptions } from '../src/index.js';
import { iso } from './helpers/journeyScript.js';
import { bookedJourney, local, runNextSession } from './helpers/scenarios.js';

const deliver = () => undefined;

function refusal(run: () => unknown): { code: string; message: string; issues: unknown } {
  try {
    run();
  } catch (error) {
    if (!isCareJourneyError(error)) throw error;
    return { code: error.code, message: error.message, issues: (error.details as { issues?: unknown }).issues };
  }
  throw new Error('expected a refusal');
}

describe('the no-driving notice after discharge', () => {
  it('goes out at a discharge in quiet hours, though the patient opted out; the next-day check-in honours the opt-out', async () => {
    // A resolver that hands over an opt-out of the safety notice anyway (the type forbids it).
    const { d, id } = await bookedJourney({ reminders: { preferences: () => ({ optOut: ['discharge.noDriving', 'discharge.checkIn'] }) as never } });
    await d.advanceTo(Date.parse('2027-03-10T08:00:00Z'));
    // An evening session at 19:30: the discharge after the 2-hour observation is at 21:30, in quiet hours.
    await d.send(id, 'session.rescheduled', { sessionNumber: 1, to: '2027-03-15T18:30:00Z', reason: 'Evening slot' }, 'coordinator');
    const s1 = await runNextSession(d, id, 's1');
    expect(local(s1.dischargeAt)).toBe('2027-03-15 21:30');
    const noDriving = d.host.ofKind('discharge.noDriving');
    expect(noDriving.map((m) => `${local(m.at)} late=${String(m.late)} until=${String(m.variables['noDrivingUntilDate'])}`)).toEqual(['2027-03-15 21:30 late=false until=2027-03-16']);
    const records = await d.reminders.outcomes(id);
    expect(records.find((r) => r.rule === 'discharge.noDriving')).toMatchObject({ outcome: 'delivered', plannedAt: iso(s1.dischargeAt), quietHours: null });
    // The twin: the next-day check-in is an ordinary reminder; the patient's opt-out of it holds.
    await d.advanceTo(Date.parse('2027-03-16T12:00:00Z'));
    expect(d.host.ofKind('discharge.checkIn')).toEqual([]);
    expect((await d.reminders.outcomes(id)).find((r) => r.rule === 'discharge.checkIn' && r.outcome === 'suppressed')).toMatchObject({ reason: 'opt-out' });
  });

  it('cannot be removed by the options: refused naming the option and the rule, by the type and at run time', () => {
    // @ts-expect-error: the no-driving notice is a safety notice; it takes a templateKey, not false.
    const removed: DefaultRuleOptions = { 'discharge.noDriving': false };
    const r = refusal(() => remindersPlugin({ deliver, rules: removed }));
    expect(r.code).toBe('CJ_ERR_INVALID_CONFIG');
    expect(r.message).toContain(
      'options.rules.discharge.noDriving: is a safety notice (no driving or machinery after a dose until the next day after a restful sleep): it cannot be removed or opted out of; only its templateKey can be set',
    );
    expect(r.issues).toEqual([expect.objectContaining({ path: 'options.rules.discharge.noDriving' })]);
    // The rules on their own refuse it the same way.
    expect(refusal(() => defaultReminderRules(removed))).toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('rules.discharge.noDriving: is a safety notice') });
    expect(refusal(() => remindersPlugin({ deliver, rules: { 'discharge.noDriving': { enabled: false } } } as unknown as RemindersOptions)).message).toContain('options.rules.discharge.noDriving');
  });

  it('the twin: its template can be renamed, and ordinary rules can still be removed', () => {
    const reminders = remindersPlugin({ deliver, rules: { 'discharge.noDriving': { templateKey: 'clinic.noDriving.v2' }, 'discharge.checkIn': false } });
    const ids = reminders.rules.map((r) => r.id);
    expect(ids).toContain('discharge.noDriving');
    expect(ids).not.toContain('discharge.checkIn');
    expect(reminders.rules.find((r) => r.id === 'discharge.noDriving')).toMatchObject({ templateKey: 'clinic.noDriving.v2', safetyNotice: true, quietHours: 'ignore' });
  });
});
