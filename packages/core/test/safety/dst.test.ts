// Daylight-saving changes: 2027-03-14 in America/New_York and 2027-03-28 in Europe/Berlin.
// Sessions keep their local time across the change; a local time the change skips moves forward
// by the gap (02:30 → 03:30), never backward; timers follow the instants; refusals speak local time.
import { describe, expect, it } from 'vitest';
import { checkIn, fullSession, newClinic, refused, toInduction, violationsOf } from './clinic.js';
import { atLocal, HOUR, localDate, localTime, MIN, ms, NO_SHOW_GRACE_MINUTES, type Calendar } from './model.js';
import type { World } from './world.js';

const ZONES = [
  { zone: 'America/New_York', change: '2027-03-14', before: '2027-03-13', mondayBefore: '2027-03-08', start: '2027-03-01T15:00:00Z' },
  { zone: 'Europe/Berlin', change: '2027-03-28', before: '2027-03-27', mondayBefore: '2027-03-22', start: '2027-03-15T08:00:00Z' },
] as const;

const everyDay = (zone: string): Calendar => ({ timeZone: zone, clinicDays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] });
const weekdays = (zone: string): Calendar => ({ timeZone: zone, clinicDays: [1, 2, 3, 4, 5], closedDates: [] });

async function clinicIn(zone: string, start: string, calendar: Calendar): Promise<World> {
  return newClinic({ route: 'iv', start, protocol: { timeZone: zone, clinicDays: calendar.clinicDays, closedDates: calendar.closedDates }, calendar });
}

const plannedTimes = (w: World) =>
  w.view.context.schedule
    .filter((s) => s.status === 'planned')
    .sort((a, b) => ms(a.dueAt) - ms(b.dueAt))
    .map((s) => ms(s.dueAt));

describe('daylight-saving changes', () => {
  for (const z of ZONES) {
    it(`${z.zone}: a first session at 02:30 the day before ${z.change} is followed at 03:30, never earlier`, async () => {
      const w = await clinicIn(z.zone, z.start, everyDay(z.zone));
      const first = atLocal(z.before, '02:30', z.zone);
      expect(localTime(first, z.zone)).toBe('02:30');
      await toInduction(w, { route: 'iv', schedule: [{ weeks: 1, days: [0, 1] }], firstAt: first });
      const [one, two] = plannedTimes(w);
      expect(one).toBe(first);
      // 02:30 does not exist on the day of the change: the session moves forward by the gap.
      expect(localDate(two!, z.zone)).toBe(z.change);
      expect(localTime(two!, z.zone)).toBe('03:30');
      expect(two! - one!).toBe(24 * HOUR);
      expect(two!).toBeGreaterThan(one! + 23 * HOUR);
      expect(violationsOf(w, 'S6', 'S12')).toEqual([]);
    });

    it(`${z.zone}: sessions across ${z.change} keep their local time, and their timers follow`, async () => {
      const w = await clinicIn(z.zone, z.start, weekdays(z.zone));
      const first = atLocal(z.mondayBefore, '09:00', z.zone);
      await toInduction(w, { route: 'iv', schedule: [{ weeks: 2, days: [0, 2, 4] }], firstAt: first });
      const times = plannedTimes(w);
      expect(times).toHaveLength(6);
      for (const t of times) expect(localTime(t, z.zone)).toBe('09:00');
      // The UTC time of day changes with the offset: one hour earlier after the change.
      const utcHours = new Set(times.map((t) => new Date(t).getUTCHours()));
      expect(utcHours.size).toBe(2);
      expect(times.filter((t) => localDate(t, z.zone) > z.change).every((t) => new Date(t).getUTCHours() === new Date(times[0]!).getUTCHours() - 1)).toBe(true);
      // Through the change: the no-show timer of each session is its local 09:00 plus the grace.
      for (let i = 0; i < 4; i++) {
        const next = plannedTimes(w)[0]!;
        expect(w.timers.find((t) => t.event?.['type'] === 'session.noShow')?.dueAt).toBe(next + NO_SHOW_GRACE_MINUTES * MIN);
        await fullSession(w);
      }
      expect(w.view.context.sessions.map((s) => localTime(ms(s.dueAt), z.zone))).toEqual(['09:00', '09:00', '09:00', '09:00']);
      expect(violationsOf(w, 'S1', 'S2', 'S5', 'S6', 'S12')).toEqual([]);
    });

    it(`${z.zone}: a refusal states the session's time in the clinic's zone`, async () => {
      const w = await clinicIn(z.zone, z.start, weekdays(z.zone));
      const first = atLocal(z.mondayBefore, '09:00', z.zone);
      await toInduction(w, { route: 'iv', firstAt: first });
      await w.advanceTo(first - 14 * HOUR);
      const r = await w.send('session.checkedIn', {}, 'coordinator');
      refused(r, ['CJ_ERR_GUARD']);
      const message = r.ok ? '' : r.error.message;
      expect(message, message).toContain('09:00');
      expect(message, message).not.toContain(`${new Date(first).toISOString().slice(11, 16)} UTC`);
      await checkIn(w);
    });
  }
});
