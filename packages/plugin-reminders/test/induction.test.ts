// A whole esketamine induction (12 sessions over 7 weeks) with the default rules, in a zone east
// and one west of UTC, each through a spring-forward and a fall-back week: every reminder must
// arrive at its local time, and the set of reminders must be exactly the expected one.
import { describe, expect, it } from 'vitest';
import { localParts } from '@carejourney/core';
import { Driver, type Delivered } from './helpers/driver.js';
import { HOUR, JourneyScript, mergeScripts } from './helpers/journeyScript.js';

const DAY = 86_400_000;

/** Calendar arithmetic on a YYYY-MM-DD date, independent of any time zone code. */
const shiftDate = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

interface Case {
  readonly name: string;
  readonly zone: string;
  /** Monday of the first session, 09:00 local, as UTC. */
  readonly first: string;
  /** Session 5 falls the day after the clock change. */
  readonly session5: string;
  /** Its 48 h, 24 h and (moved) 2 h reminders, as UTC instants: before and after the change. */
  readonly expected5: { readonly h48: string; readonly h24: string; readonly h2: string };
}

const CASES: readonly Case[] = [
  {
    name: 'Europe/Berlin, spring-forward on 2027-03-28',
    zone: 'Europe/Berlin',
    first: '2027-03-15T08:00:00.000Z',
    session5: '2027-03-29T07:00:00.000Z',
    expected5: { h48: '2027-03-27T08:00:00.000Z', h24: '2027-03-28T07:00:00.000Z', h2: '2027-03-28T19:00:00.000Z' },
  },
  {
    name: 'Europe/Berlin, fall-back on 2027-10-31',
    zone: 'Europe/Berlin',
    first: '2027-10-18T07:00:00.000Z',
    session5: '2027-11-01T08:00:00.000Z',
    expected5: { h48: '2027-10-30T07:00:00.000Z', h24: '2027-10-31T08:00:00.000Z', h2: '2027-10-31T20:00:00.000Z' },
  },
  {
    name: 'America/New_York, spring-forward on 2027-03-14',
    zone: 'America/New_York',
    first: '2027-03-01T14:00:00.000Z',
    session5: '2027-03-15T13:00:00.000Z',
    expected5: { h48: '2027-03-13T14:00:00.000Z', h24: '2027-03-14T13:00:00.000Z', h2: '2027-03-15T01:00:00.000Z' },
  },
  {
    name: 'America/New_York, fall-back on 2027-11-07',
    zone: 'America/New_York',
    first: '2027-10-25T13:00:00.000Z',
    session5: '2027-11-08T14:00:00.000Z',
    expected5: { h48: '2027-11-06T13:00:00.000Z', h24: '2027-11-07T14:00:00.000Z', h2: '2027-11-08T02:00:00.000Z' },
  },
];

/** A delivered reminder as "kind session local-date local-time". */
function line(m: Delivered, zone: string): string {
  const { date, time } = localParts(m.at, zone);
  const session = m.variables['sessionNumber'];
  return `${m.kind} ${session === undefined || session === null ? '-' : `s${String(session)}`} ${date} ${time}`;
}

describe('a whole esketamine induction, reminders at local times across daylight-saving changes', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const start = Date.parse(c.first) - 7 * DAY;
      const d = new Driver({ start, timeZone: c.zone });
      const script = new JourneyScript('j-dst', 'pt-4711').start(start).intake(start, Date.parse(c.first));
      // The journey generates the schedule; the script follows it.
      await d.run(mergeScripts([script]));
      const schedule = (await d.context('j-dst')).schedule;
      expect(schedule).toHaveLength(12);
      expect(new Set(schedule.map((s) => localParts(Date.parse(s.dueAt), c.zone).time))).toEqual(new Set(['09:00']));
      expect(schedule[4]?.dueAt).toBe(c.session5);

      const rest = new JourneyScript('j-dst', 'pt-4711', 'j-dst:sessions');
      let dischargeOfLast = 0;
      for (const s of schedule) {
        const due = Date.parse(s.dueAt);
        // Even sessions: the patient confirms the ride home an hour after the 24 h reminder.
        if (s.number % 2 === 0) rest.confirm(due - 23 * HOUR, 'session.transport', `s${s.number}`, due);
        const discharge = rest.esketamineSession(due);
        // Session 2's REMS form is left until the day after it is overdue; the others go in an hour after discharge.
        rest.remsForm(s.number === 2 ? discharge + 8 * DAY : discharge + HOUR, s.number);
        dischargeOfLast = discharge;
      }
      rest.tick(dischargeOfLast + 8 * DAY);
      await d.run(mergeScripts([rest]));

      const zone = c.zone;
      const expected: string[] = [];
      for (const s of schedule) {
        const date = localParts(Date.parse(s.dueAt), zone).date;
        const n = `s${s.number}`;
        expected.push(
          `session.upcoming ${n} ${shiftDate(date, -2)} 09:00`,
          `session.upcoming ${n} ${shiftDate(date, -1)} 09:00`,
          // 07:00 is in quiet hours (21:00-08:00): an instruction before the session moves earlier.
          `session.upcoming ${n} ${shiftDate(date, -1)} 21:00`,
          `transport.confirm ${n} ${shiftDate(date, -1)} 09:00`,
          // No food from 07:00: the reminder an hour before would be 06:00, so 21:00 the evening before.
          `session.fasting ${n} ${shiftDate(date, -1)} 21:00`,
          `monitoring.bpCheck ${n} ${date} 09:40`,
          `discharge.noDriving ${n} ${date} 11:00`,
          `rems.formDue ${n} ${date} 11:00`,
          `discharge.checkIn ${n} ${shiftDate(date, 1)} 10:00`,
        );
        // Unconfirmed rides: the clinic is told 4 h before the session (staff reminders ignore quiet hours).
        if (s.number % 2 === 1) expected.push(`companion.unconfirmed ${n} ${date} 05:00`);
      }
      // Session 2's REMS form is due 7 days (168 hours) after its dose, given at the session's time.
      const form2Due = Date.parse(schedule[1]?.dueAt ?? '') + 7 * DAY;
      const due = localParts(form2Due, zone);
      expected.push(`rems.formDue s2 ${shiftDate(due.date, -1)} ${due.time}`, `rems.formOverdue s2 ${due.date} ${due.time}`);
      // Induction over, no follow-up assessment yet: the journey asks for one at once (its
      // `assessment.due` effect), and the reminders ask again on days 3 and 7.
      const ended = localParts(dischargeOfLast, zone);
      for (const days of [0, 3, 7]) expected.push(`assessment.due - ${shiftDate(ended.date, days)} ${ended.time}`);

      const delivered = d.host.delivered;
      expect(delivered.map((m) => line(m, zone)).sort()).toEqual(expected.sort());
      // Every reminder went out once and on time (none late), with the patient's opaque reference only.
      expect(d.host.calls).toHaveLength(delivered.length);
      expect(delivered.every((m) => !m.late && m.patientRef === 'pt-4711' && m.attempt === 1)).toBe(true);

      // The week of the change, as instants: 48 h before is two local days earlier, across the change.
      const s5 = delivered.filter((m) => m.kind === 'session.upcoming' && m.variables['sessionNumber'] === 5).map((m) => new Date(m.at).toISOString());
      expect(s5).toEqual([c.expected5.h48, c.expected5.h24, c.expected5.h2]);
      const offsets = new Set(delivered.map((m) => localParts(m.at, zone).offset));
      expect(offsets.size).toBe(2);

      // The record holds every delivery and says which ones quiet hours moved.
      const records = await d.reminders.outcomes('j-dst');
      expect(records.filter((r) => r.outcome === 'delivered')).toHaveLength(delivered.length);
      const moved = records.filter((r) => r.outcome === 'delivered' && r.quietHours !== null);
      expect(moved).toHaveLength(24);
      expect(moved.every((r) => r.quietHours?.direction === 'earlier' && Date.parse(r.plannedAt) < Date.parse(r.quietHours.movedFrom))).toBe(true);
      // Confirmed rides made the clinic's deadline reminder unnecessary.
      expect(records.filter((r) => r.outcome === 'suppressed' && r.reason === 'confirmed').map((r) => r.rule)).toEqual(Array(6).fill('session.companionUnconfirmed'));
      expect(records.filter((r) => r.outcome === 'confirmed')).toHaveLength(6);
    });
  }
});
