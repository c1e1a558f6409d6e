// Preferences and the patient's zone: a channel per kind, opting out of non-safety kinds only
// (refused by the type and at run time), times in the patient's own zone.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isCareJourneyError } from '@carejourney/core';
import {
  parseReminderPreferences,
  SAFETY_CRITICAL_KINDS,
  type CustomReminderKind,
  type OptOutKind,
  type PatientReminderKind,
  type ReminderPreferences,
  type ReminderWarning,
  type SafetyCriticalKind,
} from '../src/index.js';
import { bookedJourney, local, runNextSession } from './helpers/scenarios.js';

describe('preferences', () => {
  it('suppresses opted-out kinds (recorded as opt-out) and uses the patient\'s channel per kind', async () => {
    const preferences: ReminderPreferences = { optOut: ['session.upcoming', 'discharge.checkIn'], channels: { 'transport.confirm': 'call', 'discharge.noDriving': 'push' } };
    const { d, id } = await bookedJourney({ reminders: { preferences: () => preferences } });
    await runNextSession(d, id, 's1');
    await d.advanceTo(Date.parse('2027-03-16T12:00:00Z'));
    const patient = d.host.delivered.filter((m) => m.audience === 'patient');
    expect(patient.map((m) => `${m.kind} ${m.channel}`)).toEqual(['transport.confirm call', 'session.fasting sms', 'discharge.noDriving push']);
    const optedOut = (await d.reminders.outcomes(id)).filter((r) => r.outcome === 'suppressed' && r.reason === 'opt-out');
    // Session 1's three, session 2's 48 h one (Tuesday 09:00), and the check-in after session 1.
    expect(optedOut.map((r) => r.kind).sort()).toEqual(['discharge.checkIn', 'session.upcoming', 'session.upcoming', 'session.upcoming', 'session.upcoming']);
    expect(optedOut.every((r) => r.channel === 'sms')).toBe(true);
  });

  it('refuses opting out of safety-critical kinds: in the type, when the host saves preferences, and when a resolver returns one anyway', async () => {
    // @ts-expect-error: the no-driving notice is a safety notice.
    const noDriving: ReminderPreferences = { optOut: ['discharge.noDriving'] };
    // @ts-expect-error: fasting instructions are safety-critical.
    const fasting: ReminderPreferences = { optOut: ['session.fasting'] };
    const allowed: ReminderPreferences = { optOut: ['session.upcoming', 'custom.parking'] };
    expect(parseReminderPreferences(allowed)).toEqual(allowed);

    let error: unknown;
    try {
      parseReminderPreferences({ optOut: ['session.upcoming', 'transport.confirm'] });
    } catch (e) {
      error = e;
    }
    expect(isCareJourneyError(error, 'CJ_ERR_INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toBe('Reminder preferences are invalid: preferences.optOut[1]: is a safety-critical reminder: patients cannot opt out of it [CJ_ERR_INVALID_INPUT]');
    expect(() => parseReminderPreferences({ channels: { 'session.upcoming': 'sms to +49 151' } })).toThrowError(/preferences\.channels\.session\.upcoming: must be a channel name/);

    // A resolver that hands one over anyway: the safety notice still goes out, the rest applies.
    const warnings: ReminderWarning[] = [];
    const { d, id } = await bookedJourney({ reminders: { preferences: () => ({ optOut: [...(noDriving.optOut ?? []), ...(fasting.optOut ?? []), 'session.upcoming'] }) as never } });
    d.reminders.on('warning', (w) => void warnings.push(w));
    await runNextSession(d, id, 's1');
    const kinds = d.host.delivered.filter((m) => m.audience === 'patient').map((m) => m.kind);
    expect(kinds).toContain('discharge.noDriving');
    expect(kinds).toContain('session.fasting');
    expect(kinds).not.toContain('session.upcoming');
    expect(warnings[0]).toEqual({
      journeyId: id,
      code: 'CJ_ERR_INVALID_INPUT',
      message: 'patient preferences refused at preferences.optOut.0, preferences.optOut.1: safety-critical reminders cannot be opted out of, channels must be names',
    });
  });
});

describe('the OptOutKind type (checked by pnpm typecheck)', () => {
  it('admits no safety-critical kind, and every other patient kind and custom kinds', () => {
    expectTypeOf<Extract<SafetyCriticalKind, OptOutKind>>().toBeNever();
    expectTypeOf<Extract<(typeof SAFETY_CRITICAL_KINDS)[number], OptOutKind>>().toBeNever();
    // The twin: what remains is exactly the other patient kinds, plus the clinic's custom ones.
    expectTypeOf<Exclude<OptOutKind, CustomReminderKind>>().toEqualTypeOf<Exclude<PatientReminderKind, SafetyCriticalKind>>();
    expectTypeOf<'session.upcoming'>().toExtend<OptOutKind>();
    expectTypeOf<'custom.parking'>().toExtend<OptOutKind>();
    expectTypeOf<'discharge.noDriving'>().not.toExtend<OptOutKind>();
    expect(SAFETY_CRITICAL_KINDS).toContain('discharge.noDriving');
  });
});

describe("the patient's time zone", () => {
  it('writes and times reminders in the patient\'s zone when it differs from the clinic\'s', async () => {
    const { d } = await bookedJourney({ reminders: { patientTimeZone: () => 'America/New_York' } });
    await d.advanceTo(Date.parse('2027-03-15T06:00:00Z'));
    const ny = (at: number) => local(at, 'America/New_York');
    const upcoming = d.host.ofKind('session.upcoming').map((m) => `${ny(m.at)} ${String(m.variables['sessionAt'])}`);
    // 09:00 in Berlin is 04:00 in New York (already on summer time): 48 h and 24 h before fall at 04:00,
    // in quiet hours, so they move to 21:00 the evening before; the 2 h one (02:00) too.
    expect(upcoming).toEqual([
      '2027-03-12 21:00 2027-03-15 04:00 (America/New_York)',
      '2027-03-13 21:00 2027-03-15 04:00 (America/New_York)',
      '2027-03-14 21:00 2027-03-15 04:00 (America/New_York)',
    ]);
    // Staff reminders stay in the clinic's zone.
    expect(d.host.ofKind('companion.unconfirmed').map((m) => `${local(m.at)} ${String(m.variables['sessionAt'])}`)).toEqual([
      '2027-03-15 05:00 2027-03-15 09:00 (Europe/Berlin)',
    ]);
  });

  it('falls back to the protocol zone, with a warning, when the resolver names an unknown zone', async () => {
    const warnings: ReminderWarning[] = [];
    const { d } = await bookedJourney({ reminders: { patientTimeZone: () => 'Mars/Olympus' } });
    d.reminders.on('warning', (w) => void warnings.push(w));
    await d.advanceTo(Date.parse('2027-03-13T09:00:00Z'));
    expect(d.host.ofKind('session.upcoming').map((m) => `${local(m.at)} ${String(m.variables['timeZone'])}`)).toEqual(['2027-03-13 09:00 Europe/Berlin']);
    expect(warnings[0]?.message).toBe('patientTimeZone returned an unknown IANA time zone; the protocol timeZone was used');
    expect(JSON.stringify(warnings)).not.toContain('Mars');
  });
});
