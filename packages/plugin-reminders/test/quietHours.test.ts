import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { localParts } from '@carejourney/core';
import { applyQuietHours, hoursBeforeInLocalTime, localDayAt } from '../src/index.js';

const QUIET = { start: '21:00', end: '08:00' };
const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('quiet hours in the patient\'s local time', () => {
  it('moves a before-session instruction to when quiet hours begin, the evening before for a morning time', () => {
    // 06:00 Berlin on the morning after the spring-forward (UTC+2) → 21:00 the evening before, still UTC+1.
    const r = applyQuietHours(at('2027-03-28T04:00:00Z'), 'earlier', QUIET, 'Europe/Berlin');
    expect(iso(r.at)).toBe('2027-03-27T20:00:00.000Z');
    expect(r.moved).toBe(true);
    // 23:30 the same evening → 21:00 that evening.
    expect(iso(applyQuietHours(at('2027-03-27T22:30:00Z'), 'earlier', QUIET, 'Europe/Berlin').at)).toBe('2027-03-27T20:00:00.000Z');
  });

  it('moves a follow-up to when quiet hours end, the next morning for an evening time', () => {
    // 22:00 New York on the evening before the fall-back (EDT) → 08:00 the next morning (EST).
    const r = applyQuietHours(at('2027-11-07T02:00:00Z'), 'later', QUIET, 'America/New_York');
    expect(iso(r.at)).toBe('2027-11-07T13:00:00.000Z');
    // 05:00 the next morning → 08:00 the same morning.
    expect(iso(applyQuietHours(at('2027-11-07T10:00:00Z'), 'later', QUIET, 'America/New_York').at)).toBe('2027-11-07T13:00:00.000Z');
  });

  it('leaves alone times outside quiet hours, on their edges, safety notices and staff reminders, and no quiet hours at all', () => {
    for (const t of ['2027-03-15T07:00:00Z', '2027-03-15T20:00:00Z', '2027-03-15T12:00:00Z']) {
      expect(applyQuietHours(at(t), 'earlier', QUIET, 'Europe/Berlin')).toEqual({ at: at(t), moved: false });
    }
    expect(applyQuietHours(at('2027-03-15T02:00:00Z'), 'ignore', QUIET, 'Europe/Berlin')).toEqual({ at: at('2027-03-15T02:00:00Z'), moved: false });
    expect(applyQuietHours(at('2027-03-15T02:00:00Z'), 'later', null, 'Europe/Berlin')).toEqual({ at: at('2027-03-15T02:00:00Z'), moved: false });
  });

  it('handles quiet hours within one day (13:00-14:00)', () => {
    const lunch = { start: '13:00', end: '14:00' };
    expect(iso(applyQuietHours(at('2027-06-01T11:30:00Z'), 'earlier', lunch, 'Europe/Berlin').at)).toBe('2027-06-01T11:00:00.000Z');
    expect(iso(applyQuietHours(at('2027-06-01T11:30:00Z'), 'later', lunch, 'Europe/Berlin').at)).toBe('2027-06-01T12:00:00.000Z');
  });

  it('never moves an instruction later nor a follow-up earlier, and always out of quiet hours (property)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2027-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') }), fc.constantFrom(...zones), (t, zone) => {
        const earlier = applyQuietHours(t, 'earlier', QUIET, zone);
        const later = applyQuietHours(t, 'later', QUIET, zone);
        expect(earlier.at).toBeLessThanOrEqual(t);
        expect(later.at).toBeGreaterThanOrEqual(t);
        for (const r of [earlier, later]) {
          const m = localParts(r.at, zone).minuteOfDay;
          expect(m > 21 * 60 || m < 8 * 60).toBe(false);
        }
        // Quiet hours never move a reminder by more than they last.
        expect(t - earlier.at).toBeLessThanOrEqual(12 * 3_600_000);
        expect(later.at - t).toBeLessThanOrEqual(12 * 3_600_000);
      }),
      { numRuns: 300 },
    );
  });
});

describe('local offsets', () => {
  it('steps whole days in local calendar days and the rest in real hours', () => {
    // Monday 09:00 Berlin after the spring-forward: 48 h before is Saturday 09:00 (47 real hours).
    expect(iso(hoursBeforeInLocalTime(at('2027-03-29T07:00:00Z'), 48, 'Europe/Berlin'))).toBe('2027-03-27T08:00:00.000Z');
    // 26 h before: Sunday 07:00 (a day, then two real hours).
    expect(iso(hoursBeforeInLocalTime(at('2027-03-29T07:00:00Z'), 26, 'Europe/Berlin'))).toBe('2027-03-28T05:00:00.000Z');
    expect(iso(hoursBeforeInLocalTime(at('2027-03-29T07:00:00Z'), 2, 'Europe/Berlin'))).toBe('2027-03-29T05:00:00.000Z');
  });

  it('finds a local time on a later local day, across a fall-back', () => {
    expect(iso(localDayAt(at('2027-11-06T15:30:00Z'), 1, '10:00', 'America/New_York'))).toBe('2027-11-07T15:00:00.000Z');
    expect(iso(localDayAt(at('2027-11-06T15:30:00Z'), 0, '21:00', 'America/New_York'))).toBe('2027-11-07T01:00:00.000Z');
  });
});
