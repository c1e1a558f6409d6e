// Delivery through the host: a stable id on every attempt, retries with exponential backoff as
// durable timers, give-up with `reminder.failed` and, for critical kinds, the clinic told.
import { describe, expect, it } from 'vitest';
import type { ReminderFailedNotice } from '../src/index.js';
import { bookedJourney, local } from './helpers/scenarios.js';

const TRANSPORT_AT = Date.parse('2027-03-14T08:00:00Z'); // Sunday 09:00 Berlin, 24 h before session 1

describe('delivery failures', () => {
  it('retries a failed delivery with backoff under the same delivery id, and records each attempt', async () => {
    const { d, id } = await bookedJourney();
    let failures = 2;
    d.host.fail = (m) => (m.kind === 'transport.confirm' && m.variables['sessionNumber'] === 1 && failures-- > 0 ? 'throw' : undefined);
    await d.advanceTo(TRANSPORT_AT + 60 * 60_000);
    const calls = d.host.calls.filter((m) => m.kind === 'transport.confirm' && m.variables['sessionNumber'] === 1);
    expect(calls.map((m) => `${local(m.at)} attempt ${m.attempt} ${m.accepted ? 'ok' : 'failed'}`)).toEqual([
      '2027-03-14 09:00 attempt 1 failed',
      '2027-03-14 09:01 attempt 2 failed',
      '2027-03-14 09:03 attempt 3 ok',
    ]);
    expect(new Set(calls.map((m) => m.deliveryId)).size).toBe(1);
    const records = (await d.reminders.outcomes(id)).filter((r) => r.deliveryId === calls[0]?.deliveryId);
    expect(records.map((r) => `${r.outcome} ${r.attempt} ${r.errorCode ?? '-'} ${r.nextAttemptAt === null ? '-' : local(Date.parse(r.nextAttemptAt))}`)).toEqual([
      'attempt-failed 1 GATEWAY_DOWN 2027-03-14 09:01',
      'attempt-failed 2 GATEWAY_DOWN 2027-03-14 09:03',
      'delivered 3 - -',
    ]);
    // The host's error message (it quoted a phone number) is never kept.
    expect(JSON.stringify(await d.reminders.outcomes(id))).not.toContain('+49');
  });

  it('gives up after the last attempt, emits reminder.failed and tells the clinic about a critical kind', async () => {
    const { d, id } = await bookedJourney();
    const failed: ReminderFailedNotice[] = [];
    d.reminders.on('reminder.failed', (n) => void failed.push(n));
    d.host.fail = (m) => (m.audience === 'patient' && m.variables['sessionNumber'] === 1 && (m.kind === 'transport.confirm' || m.kind === 'session.upcoming') ? 'throw' : undefined);
    await d.advanceTo(TRANSPORT_AT + 60 * 60_000);
    const transport = d.host.calls.filter((m) => m.kind === 'transport.confirm');
    // Five attempts in all: 1, 2, 4 and 8 minutes apart.
    expect(transport.map((m) => local(m.at))).toEqual(['2027-03-14 09:00', '2027-03-14 09:01', '2027-03-14 09:03', '2027-03-14 09:07', '2027-03-14 09:15']);
    const escalation = d.host.ofKind('reminder.escalation');
    expect(escalation).toHaveLength(1);
    expect(escalation[0]).toMatchObject({
      audience: 'clinic',
      channel: 'clinic-inbox',
      patientRef: 'pt-0001',
      variables: { failedKind: 'transport.confirm', failedDeliveryId: transport[0]?.deliveryId, attempts: 5, aboutAt: '2027-03-15 09:00 (Europe/Berlin)' },
    });
    expect(local(escalation[0]?.at ?? 0)).toBe('2027-03-14 09:15');
    // session.upcoming is not critical: it fails without an escalation.
    expect(failed.map((n) => `${n.kind} ${n.attempts} ${n.escalationId === null ? 'not escalated' : 'escalated'}`).sort()).toEqual([
      'session.upcoming 5 not escalated',
      'session.upcoming 5 not escalated',
      'transport.confirm 5 escalated',
    ]);
    const record = (await d.reminders.outcomes(id)).find((r) => r.outcome === 'failed' && r.kind === 'transport.confirm');
    expect(record).toMatchObject({ attempt: 5, errorCode: 'GATEWAY_DOWN', escalationId: escalation[0]?.deliveryId });
  });

  it('does not retry a permanent refusal', async () => {
    const { d, id } = await bookedJourney();
    d.host.fail = (m) => (m.kind === 'session.fasting' ? { ok: false, permanent: true, code: 'NO_CONTACT_ON_FILE' } : undefined);
    await d.advanceTo(Date.parse('2027-03-14T21:00:00Z'));
    expect(d.host.calls.filter((m) => m.kind === 'session.fasting')).toHaveLength(1);
    const records = (await d.reminders.outcomes(id)).filter((r) => r.kind === 'session.fasting');
    expect(records.map((r) => `${r.outcome} ${r.errorCode}`)).toEqual(['failed NO_CONTACT_ON_FILE']);
    expect(d.host.ofKind('reminder.escalation').map((m) => m.variables['failedKind'])).toEqual(['session.fasting']);
  });

  it('follows a configured retry policy, and a deliver call that hangs fails by timeout', async () => {
    const { d, id } = await bookedJourney({ reminders: { retry: { maxAttempts: 3, initialDelayMinutes: 5 }, deliverTimeoutMs: 100 } });
    let hang = true;
    d.host.fail = (m) => (m.kind === 'session.upcoming' && m.variables['sessionNumber'] === 1 && m.variables['hoursBefore'] === 48 ? 'throw' : undefined);
    const original = d.host.fail;
    // The first call of the 24 h reminder never answers.
    d.host.fail = (m) => {
      if (m.kind === 'session.upcoming' && m.variables['hoursBefore'] === 24 && hang) {
        hang = false;
        return new Promise<never>(() => undefined) as never;
      }
      return original(m);
    };
    await d.advanceTo(Date.parse('2027-03-14T10:00:00Z'));
    const h48 = d.host.calls.filter((m) => m.variables['hoursBefore'] === 48 && m.variables['sessionNumber'] === 1);
    expect(h48.map((m) => local(m.at))).toEqual(['2027-03-13 09:00', '2027-03-13 09:05', '2027-03-13 09:15']);
    const records = await d.reminders.outcomes(id);
    const h24 = records.filter((r) => r.deliveryId === d.host.calls.find((m) => m.variables['hoursBefore'] === 24)?.deliveryId);
    expect(h24.map((r) => `${r.outcome} ${r.errorCode ?? '-'}`)).toEqual(['attempt-failed timeout', 'delivered -']);
  });
});
