import { describe, expect, it } from 'vitest';
import { runHostPlugins, sessionReminders } from '../src/hostPlugins.js';

describe('host plugins example: reminders and an audit trail on the flagship course', () => {
  it('reminds the day before each planned session and audits every applied event once', async () => {
    const { reminders, audit, journalLength } = await runHostPlugins();
    expect(reminders.map((r) => r.sessionNumber)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reminders.every((r) => r.patientRef === 'pt-8842')).toBe(true);
    expect(reminders[0]).toEqual({ patientRef: 'pt-8842', sessionNumber: 1, sessionDueAt: '2026-03-09T09:00:00.000Z' });
    expect(audit).toHaveLength(journalLength);
    expect(audit[0]).toBe('2026-03-02T08:30:00.000Z coordinator:coord-ana journey.start - -> referral');
    // The audit trail carries no payload values.
    expect(audit.some((line) => line.includes('KX-24-0917'))).toBe(false);
  });

  it('refuses invalid plugin options, naming the plugin and the field', () => {
    expect(() => sessionReminders({ leadHours: 0, deliver: () => undefined })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('Plugin "session-reminders" has invalid options: options.leadHours') }),
    );
    expect(() => sessionReminders({ deliver: 'sms' as never })).toThrowError(/options.deliver: must be a function/);
  });
});
