// Configuration: typed refusals naming the field and the rule; rules configured, removed and
// added by the clinic; confirmations; nothing logged and nothing but opaque data to the host.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, ketamineAnxietyJourney, MemoryStore } from '@carejourney/core';
import { DEFAULT_RULE_IDS, defaultReminderRules, defineReminderRule, remindersPlugin, type RemindersOptions } from '../src/index.js';
import { testProtocol } from './helpers/driver.js';
import { iso } from './helpers/journeyScript.js';
import { BERLIN, bookedJourney, FIRST_SESSION, local, pendingReminders, runNextSession } from './helpers/scenarios.js';

const deliver = () => undefined;

function refusal(options: unknown): { code: string; message: string } {
  try {
    remindersPlugin(options as RemindersOptions);
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('options', () => {
  it('refuses invalid options with CJ_ERR_INVALID_CONFIG naming the field and the rule', () => {
    expect(refusal({})).toEqual({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('options.deliver: must be a function (deliver)') });
    expect(refusal({ deliver, quietHours: { start: '9pm', end: '08:00' } }).message).toContain('options.quietHours.start: must be a 24-hour time HH:MM');
    expect(refusal({ deliver, rules: { 'session.upcoming': { offsetsHours: [48, 48] } } }).message).toContain('options.rules.session.upcoming.offsetsHours: must not repeat a value');
    expect(refusal({ deliver, rules: { 'session.companionUnconfirmed': { hoursBefore: 30 } } }).message).toContain(
      'options.rules.session.companionUnconfirmed.hoursBefore: must be fewer hours before the session than the session.transport reminder (24 h)',
    );
    expect(refusal({ deliver, rules: { 'session.upcomming': false } }).message).toContain('options.rules');
    expect(refusal({ deliver, retry: { maxAttempts: 0 } }).message).toContain('options.retry.maxAttempts');
    expect(refusal({ deliver, channels: { patient: 'sms to +49 151 0000' } }).message).toContain('options.channels.patient: must be a channel name');
    expect(refusal({ deliver, channels: { patient: 'sms to +49 151 0000' } }).message).not.toContain('+49');
  });

  it('validates the clinic\'s own rules', () => {
    const base = { id: 'custom.parking', kind: 'custom.parking', audience: 'patient', templateKey: 'clinic.parking', quietHours: 'earlier', on: 'view', description: 'Parking', plan: () => [] };
    expect(refusal({ deliver, customRules: [{ ...base, kind: 'session.upcoming' }] }).message).toContain('options.customRules[0].kind: must be custom.<name>');
    expect(refusal({ deliver, customRules: [{ ...base, id: 'session.upcoming' }] }).message).toContain('options.customRules[0].id: is used by another rule');
    expect(refusal({ deliver, customRules: [base, base] }).message).toContain('options.customRules[1].id: is used by another rule');
    expect(refusal({ deliver, customRules: [{ ...base, on: 'event' }] }).message).toContain('options.customRules[0].event: an event rule names the journey event it plans on');
    expect(refusal({ deliver, customRules: [{ ...base, on: 'event', event: 'session.teleported' }] }).message).toContain('options.customRules[0].event');
    expect(refusal({ deliver, customRules: [{ ...base, safetyNotice: true }] }).message).toContain("options.customRules[0].quietHours: a safety notice ignores quiet hours: use 'ignore'");
  });

  it('lists every default rule, and removes the ones configured false', () => {
    expect(defaultReminderRules().map((r) => r.id)).toEqual([...DEFAULT_RULE_IDS]);
    const removed = defaultReminderRules({ 'session.upcoming': false, 'session.transport': false, 'session.trustedAdult': false }).map((r) => r.id);
    expect(removed).not.toContain('session.upcoming');
    // With no companion reminder to confirm, the clinic's deadline reminder goes too.
    expect(removed).not.toContain('session.companionUnconfirmed');
  });

  it('applies configured offsets and template keys, and removed rules plan nothing', async () => {
    const { d, id } = await bookedJourney({
      reminders: { rules: { 'session.upcoming': { offsetsHours: [72, 3], templateKey: 'clinic.upcoming.v2' }, 'session.fasting': false }, quietHours: null },
    });
    const pending = (await pendingReminders(d, id)).filter((p) => / s1(-|\s)/.test(p));
    expect(pending).toEqual([
      'session.companionUnconfirmed s1 2027-03-15 05:00',
      'session.transport s1 2027-03-14 09:00',
      'session.upcoming s1-3h 2027-03-15 06:00',
      'session.upcoming s1-72h 2027-03-12 09:00',
    ]);
    await d.advanceTo(FIRST_SESSION - 60_000);
    expect(d.host.ofKind('session.upcoming').map((m) => `${m.templateKey} ${local(m.at)}`)).toEqual(['clinic.upcoming.v2 2027-03-12 09:00', 'clinic.upcoming.v2 2027-03-15 06:00']);
    expect(d.host.ofKind('session.fasting')).toEqual([]);
  });
});

describe("the clinic's own rules", () => {
  it('plans on events, effects and the view, typed against the journey', async () => {
    const parking = defineReminderRule({
      id: 'custom.parking',
      kind: 'custom.parking',
      audience: 'patient',
      templateKey: 'clinic.parking',
      quietHours: 'later',
      on: 'event',
      event: 'induction.started',
      description: 'Where to park, when the induction is booked',
      plan: ({ entry }) => [{ subject: 'parking', aboutAt: Date.parse(entry.payload.firstSessionAt), at: Date.parse(entry.at) }],
    });
    const holdDesk = defineReminderRule({
      id: 'custom.holdDesk',
      kind: 'custom.hold-desk',
      audience: 'clinic',
      templateKey: 'clinic.holdDesk',
      quietHours: 'ignore',
      on: 'effect',
      effect: 'safety.alert',
      description: 'The front desk learns of every hold',
      plan: ({ effect, now }) => (effect.payload['kind'] === 'hold' ? [{ subject: 'hold', aboutAt: now, at: now }] : []),
    });
    const weekly = defineReminderRule({
      id: 'custom.weeklyDiary',
      kind: 'custom.diary',
      audience: 'patient',
      templateKey: 'clinic.diary',
      quietHours: 'later',
      on: 'view',
      description: 'A mood diary prompt the evening before each session (22:00, moved to the morning)',
      plan: ({ context }) => context.schedule.filter((s) => s.status === 'planned').map((s) => ({ subject: `s${s.number}`, aboutAt: Date.parse(s.dueAt), at: Date.parse(s.dueAt) - 11 * 3_600_000 })),
    });
    const { d, id } = await bookedJourney({ reminders: { customRules: [parking, holdDesk, weekly] } });
    expect(d.host.ofKind('custom.parking').map((m) => `${m.templateKey} ${local(m.at)}`)).toEqual(['clinic.parking 2027-03-08 09:00']);
    await d.advanceTo(FIRST_SESSION - 3_600_000);
    // 22:00 the evening before is quiet: a follow-up kind moves to 08:00.
    expect(d.host.ofKind('custom.diary').map((m) => local(m.at))).toEqual(['2027-03-15 08:00']);
    await runNextSession(d, id, 's1');
    await d.send(id, 'safety.signalReported', { signal: 'psychotic-symptoms' }, 'nurse');
    expect(d.host.ofKind('custom.hold-desk').map((m) => m.audience)).toEqual(['clinic']);
  });
});

describe('confirmations', () => {
  it('refuses an unknown or unconfirmable delivery id and changes nothing', async () => {
    const { d, id } = await bookedJourney();
    await d.advanceTo(Date.parse('2027-03-14T08:30:00Z'));
    const before = await d.reminders.outcomes(id);
    await expect(d.reminders.confirm(id, 'rmd_nope')).rejects.toThrowError(expect.objectContaining({ code: 'CJ_ERR_NOT_FOUND' }));
    const upcoming = d.host.ofKind('session.upcoming')[0];
    await expect(d.reminders.confirm(id, upcoming?.deliveryId ?? '')).rejects.toThrowError(expect.objectContaining({ code: 'CJ_ERR_NOT_FOUND' }));
    await expect(d.reminders.confirm('', 'x')).rejects.toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT', message: 'confirm: journeyId must be a journey id (1-200 characters)' }));
    expect(await d.reminders.outcomes(id)).toEqual(before);
    const transport = d.host.ofKind('transport.confirm')[0];
    const confirmed = await d.reminders.confirm(id, transport?.deliveryId ?? '');
    expect(confirmed).toMatchObject({ outcome: 'confirmed', rule: 'session.transport', aboutAt: iso(FIRST_SESSION) });
    // Confirming twice returns the first confirmation.
    expect(await d.reminders.confirm(id, transport?.deliveryId ?? '')).toEqual(confirmed);
  });

  it('belongs to one engine', async () => {
    const reminders = remindersPlugin({ deliver });
    await expect(reminders.confirm('j', 'x')).rejects.toThrowError(expect.objectContaining({ code: 'CJ_ERR_PLUGIN' }));
    createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol: testProtocol(BERLIN), plugins: [reminders] });
    expect(() => createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol: testProtocol(BERLIN), plugins: [reminders] })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_PLUGIN', message: expect.stringContaining('already registered with an engine') }),
    );
  });
});

describe('no PHI', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs nothing, and hands the host only opaque ids, kinds, template keys, channels and variables', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const { d, id } = await bookedJourney();
    d.host.fail = (m) => (m.kind === 'transport.confirm' ? 'throw' : undefined);
    await runNextSession(d, id, 's1');
    for (const spy of [...spies, stdout, stderr]) expect(spy).not.toHaveBeenCalled();
    expect(d.host.calls.length).toBeGreaterThan(5);
    for (const m of d.host.calls) {
      const { at: _at, accepted: _accepted, ...message } = m;
      expect(Object.keys(message).sort()).toEqual(['attempt', 'audience', 'channel', 'deliveryId', 'journeyId', 'kind', 'late', 'patientRef', 'templateKey', 'variables']);
      for (const value of Object.values(m.variables)) expect(['string', 'number', 'boolean'].includes(typeof value) || value === null).toBe(true);
    }
    // Free-text reasons and notes never reach a template's variables.
    const everything = JSON.stringify([d.host.calls, await d.reminders.outcomes(id)]);
    expect(everything).not.toContain('LOT-2291');
    expect(everything).not.toContain('gp-77');
  });
});
