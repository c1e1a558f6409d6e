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

describe('quiet hours bounded by the moment and by now', () => {
  const BERLIN = 'Europe/Berlin';
  const session = at('2027-03-15T06:30:00Z'); // Monday 07:30 Berlin

  it('stops a move earlier at now: a reminder booked late in the evening goes out at once', () => {
    const reminder = session - 3_600_000; // 06:30, quiet: would move to Sunday 21:00
    expect(iso(applyQuietHours(reminder, 'earlier', QUIET, BERLIN, { aboutAt: session }).at)).toBe('2027-03-14T20:00:00.000Z');
    // Planned at 23:00 Sunday: 21:00 has passed, so the move stops at 23:00.
    expect(applyQuietHours(reminder, 'earlier', QUIET, BERLIN, { aboutAt: session, now: at('2027-03-14T22:00:00Z') })).toEqual({ at: at('2027-03-14T22:00:00Z'), moved: true });
    // Planned at 20:00 Sunday: 21:00 is still ahead, the move is made in full.
    expect(applyQuietHours(reminder, 'earlier', QUIET, BERLIN, { aboutAt: session, now: at('2027-03-14T19:00:00Z') })).toEqual({ at: at('2027-03-14T20:00:00Z'), moved: true });
    // Already due: not moved at all (let alone later).
    expect(applyQuietHours(reminder, 'earlier', QUIET, BERLIN, { aboutAt: session, now: reminder + 60_000 })).toEqual({ at: reminder, moved: false });
  });

  it('never moves an instruction past the moment it is about; a follow-up still moves to the morning', () => {
    // A clinic's instruction with 'later', an hour before a 07:30 session: 08:00 would be after it.
    const reminder = session - 3_600_000;
    expect(applyQuietHours(reminder, 'later', QUIET, BERLIN, { aboutAt: session })).toEqual({ at: reminder, moved: false });
    // The twin: for a session at 09:00 the move to 08:00 is before it, and made.
    expect(applyQuietHours(reminder, 'later', QUIET, BERLIN, { aboutAt: at('2027-03-15T08:00:00Z') })).toEqual({ at: at('2027-03-15T07:00:00Z'), moved: true });
    // A follow-up of 23:00 (a missed session at that time) moves to 08:00, after its moment.
    const missed = at('2027-03-14T22:00:00Z');
    expect(applyQuietHours(missed, 'later', QUIET, BERLIN, { aboutAt: missed, now: missed })).toEqual({ at: at('2027-03-15T07:00:00Z'), moved: true });
    // ...and never earlier than the moment it follows.
    expect(applyQuietHours(missed, 'earlier', QUIET, BERLIN, { aboutAt: missed })).toEqual({ at: missed, moved: false });
  });

  it('never crosses the moment nor lands before now, never moves the wrong way, across DST (property)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
    const from = Date.parse('2027-01-01T00:00:00Z');
    const to = Date.parse('2028-12-31T00:00:00Z');
    const hours = 3_600_000;
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.integer({ min: -30 * hours, max: 30 * hours }),
        fc.integer({ min: -30 * hours, max: 30 * hours }),
        fc.constantFrom('earlier' as const, 'later' as const),
        fc.constantFrom(...zones),
        (t, toMoment, toNow, move, zone) => {
          const aboutAt = t + toMoment;
          const now = t + toNow;
          const r = applyQuietHours(t, move, QUIET, zone, { aboutAt, now });
          if (!r.moved) {
            expect(r.at).toBe(t);
            return;
          }
          expect(r.at).toBeGreaterThanOrEqual(now);
          // Same side of the moment as planned (at the moment only for one planned there).
          if (t < aboutAt) expect(r.at).toBeLessThan(aboutAt);
          else expect(r.at).toBeGreaterThanOrEqual(aboutAt);
          if (move === 'earlier') expect(r.at).toBeLessThan(t);
          else expect(r.at).toBeGreaterThan(t);
        },
      ),
      { numRuns: 500 },
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
