import { describe, expect, it } from 'vitest';
import { createEngine, inductionSchedule, ketamineAnxietyJourney, ketamineProtocolSchema, MemoryStore } from '../../src/index.js';
import { addLocalDays, isTimeZone } from '../../src/index.js';
import { completeScreening, Harness, planAndStart } from './harness.js';

const local = (instant: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(instant);

describe('schedules keep the local time of day in the clinic time zone', () => {
  it('adds calendar days across daylight-saving changes', () => {
    // Berlin moves to summer time on 2026-03-29: 09:00 stays 09:00 local, one hour earlier in UTC.
    const friday = Date.parse('2026-03-27T08:00:00Z');
    expect(new Date(addLocalDays(friday, 3, 'Europe/Berlin')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // New York falls back on 2026-11-01.
    const ny = Date.parse('2026-10-30T13:00:00Z'); // 09:00 EDT
    expect(new Date(addLocalDays(ny, 3, 'America/New_York')).toISOString()).toBe('2026-11-02T14:00:00.000Z');
    // In UTC a day is 24 hours.
    expect(addLocalDays(friday, 3, 'UTC')).toBe(friday + 3 * 86_400_000);
    // Going back and forth lands on the same instant.
    expect(addLocalDays(addLocalDays(friday, 10, 'Europe/Berlin'), -10, 'Europe/Berlin')).toBe(friday);
  });

  it('moves a wall-clock time skipped by spring-forward to the first valid instant', () => {
    // 02:30 does not exist in Berlin on 2026-03-29.
    const before = Date.parse('2026-03-28T01:30:00Z'); // 02:30 CET
    const after = addLocalDays(before, 1, 'Europe/Berlin');
    expect(local(after, 'Europe/Berlin')).toBe('03:30');
  });

  it('generates induction dates at the same local time before and after the change', () => {
    const first = Date.parse('2026-03-16T08:00:00Z'); // Monday 09:00 in Berlin (UTC+1)
    const dates = inductionSchedule([{ weeks: 4, days: [0, 3] }, { weeks: 4, days: [0] }], first, 'Europe/Berlin');
    expect(dates).toHaveLength(12);
    expect(new Set(dates.map((d) => local(d.dueAt, 'Europe/Berlin')))).toEqual(new Set(['09:00']));
    expect(new Date(dates[2]!.dueAt).toISOString()).toBe('2026-03-23T08:00:00.000Z');
    expect(new Date(dates[4]!.dueAt).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('validates the time zone in the protocol, naming the field', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    // No silent UTC: the zone is required.
    expect(ketamineProtocolSchema.safeParse({ acceptUnconfirmedDefaults: true }).success).toBe(false);
    expect(ketamineProtocolSchema.parse({ timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true }).timeZone).toBe('Europe/Berlin');
    expect(() => createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), protocol: { timeZone: 'Mars/Olympus', acceptUnconfirmedDefaults: true } })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('protocol.timeZone: must be an IANA time zone') }),
    );
  });

  it('plans a journey\'s IV induction in the clinic zone: every infusion at 09:00 Berlin time', async () => {
    const h = await Harness.start({ start: '2026-03-16T08:00:00Z', protocol: { timeZone: 'Europe/Berlin' } });
    await completeScreening(h);
    await planAndStart(h, 'iv', '2026-03-23T08:00:00Z');
    const { schedule } = await h.context();
    expect(schedule.map((s) => s.dueAt)).toEqual([
      '2026-03-23T08:00:00.000Z',
      '2026-03-25T08:00:00.000Z',
      '2026-03-27T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-01T07:00:00.000Z',
      '2026-04-03T07:00:00.000Z',
    ]);
  });
});
