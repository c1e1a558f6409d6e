import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { addLocalDays, atLocalTime, formatLocal, isTimeZone, localParts } from '../src/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('time in a zone', () => {
  it('a local time skipped by spring-forward moves forward by the gap, east and west of UTC', () => {
    // New York springs forward on 2027-03-14 at 02:00 → 03:00.
    const ny = atLocalTime('2027-03-13', '02:30', 'America/New_York');
    expect(localParts(addLocalDays(ny, 1, 'America/New_York'), 'America/New_York').time).toBe('03:30');
    expect(iso(atLocalTime('2027-03-14', '02:30', 'America/New_York'))).toBe('2027-03-14T07:30:00.000Z');
    // Berlin springs forward on 2027-03-28 at 02:00 → 03:00.
    const berlin = atLocalTime('2027-03-27', '02:30', 'Europe/Berlin');
    expect(localParts(addLocalDays(berlin, 1, 'Europe/Berlin'), 'Europe/Berlin').time).toBe('03:30');
    expect(iso(atLocalTime('2027-03-28', '02:30', 'Europe/Berlin'))).toBe('2027-03-28T01:30:00.000Z');
  });

  it('keeps the wall-clock time across both changes, and an ambiguous time takes the earlier instant', () => {
    const nineNy = atLocalTime('2027-03-12', '09:00', 'America/New_York');
    expect(iso(addLocalDays(nineNy, 3, 'America/New_York'))).toBe('2027-03-15T13:00:00.000Z');
    const fallBack = atLocalTime('2027-11-07', '01:30', 'America/New_York');
    expect(localParts(fallBack, 'America/New_York').offset).toBe('-04:00');
  });

  it('describes an instant locally and formats it for a clinician', () => {
    const at = Date.parse('2027-03-15T13:00:00Z');
    expect(localParts(at, 'America/New_York')).toEqual({ date: '2027-03-15', time: '09:00', dayOfWeek: 1, minuteOfDay: 540, offset: '-04:00' });
    expect(formatLocal(at, 'America/New_York')).toBe('2027-03-15 09:00 (America/New_York)');
    expect(formatLocal(at, 'UTC')).toBe('2027-03-15 13:00 UTC');
  });

  it('knows IANA zones and refuses other values', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    for (const bad of ['Mars/Olympus', '', 42, null, 'x'.repeat(200)]) expect(isTimeZone(bad)).toBe(false);
  });
});

// The time functions read the runtime's IANA data through Intl. They used to compute with the
// Temporal polyfill; these compare them with it, value for value and refusal for refusal.
describe('time in a zone, compared with the Temporal polyfill', () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const polyfill = {
    localParts(instant: number, timeZone: string) {
      const z = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone);
      return { date: `${pad(z.year, 4)}-${pad(z.month)}-${pad(z.day)}`, time: `${pad(z.hour)}:${pad(z.minute)}`, dayOfWeek: z.dayOfWeek, minuteOfDay: z.hour * 60 + z.minute, offset: z.offset };
    },
    addLocalDays(instant: number, days: number, timeZone: string) {
      if (timeZone === 'UTC') return instant + days * 86_400_000;
      return Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone).add({ days }).epochMilliseconds;
    },
    atLocalTime(date: string, time: string, timeZone: string) {
      return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
    },
    isTimeZone(timeZone: unknown) {
      if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 100) return false;
      try {
        Temporal.Now.zonedDateTimeISO(timeZone);
        return true;
      } catch {
        return false;
      }
    },
  };
  /** What a call gives: its value, or the class of error it throws. */
  const outcome = (call: () => unknown): unknown => {
    try {
      return call();
    } catch (error) {
      return `throws ${(error as Error).constructor.name}`;
    }
  };
  const same = (label: string, ours: () => unknown, theirs: () => unknown) => expect(outcome(ours), label).toEqual(outcome(theirs));
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const zones = Intl.supportedValuesOf('timeZone');

  it('gives the same local parts, day arithmetic and wall-clock instants in every zone the runtime knows', () => {
    for (const zone of zones) {
      for (let i = 0; i < 8; i++) {
        // 1653 (before which zones keep their earliest offset) to 2400, mostly 1900-2100.
        const [from, to] = random() < 0.2 ? [-1e13, 1.3e13] : [-2.2e12, 4.1e12];
        const instant = Math.floor(from + random() * (to - from));
        same(`localParts ${zone} ${instant}`, () => localParts(instant, zone), () => polyfill.localParts(instant, zone));
        const days = Math.floor(random() * 800) - 400;
        same(`addLocalDays ${zone} ${instant} ${days}`, () => addLocalDays(instant, days, zone), () => polyfill.addLocalDays(instant, days, zone));
        const { date, time } = polyfill.localParts(instant + Math.floor((random() - 0.5) * 6 * 3_600_000), zone);
        const at = random() < 0.3 ? `${time}:${pad(Math.floor(random() * 60))}.${Math.floor(random() * 1e6)}` : time;
        same(`atLocalTime ${zone} ${date} ${at}`, () => atLocalTime(date, at, zone), () => polyfill.atLocalTime(date, at, zone));
      }
    }
  });

  it('agrees around every transition from 1900 to 2045, in gaps and overlaps', () => {
    // Zones with unusual histories: half-hour and 45-minute offsets, double summer time, two
    // changes within weeks, a 24-hour jump, DST all year, southern hemisphere.
    const picked = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'Europe/London', 'Europe/Vienna', 'Africa/Casablanca', 'America/Argentina/Tucuman', 'Pacific/Apia', 'Asia/Gaza', 'Antarctica/Troll', 'America/Sao_Paulo', 'Europe/Moscow'];
    for (const zone of picked) {
      let z = Temporal.Instant.fromEpochMilliseconds(Date.UTC(1900, 0, 1)).toZonedDateTimeISO(zone);
      for (let next = z.getTimeZoneTransition('next'); next !== null && next.epochMilliseconds < Date.UTC(2045, 0, 1); next = z.getTimeZoneTransition('next')) {
        z = next;
        const t = next.epochMilliseconds;
        for (const d of [-3_600_001, -1, 0, 1, 3_600_000]) {
          same(`localParts ${zone} ${t + d}`, () => localParts(t + d, zone), () => polyfill.localParts(t + d, zone));
          for (const days of [-1, 1, 7]) {
            const from = t + d - days * 86_400_000;
            same(`addLocalDays ${zone} ${from} ${days}`, () => addLocalDays(from, days, zone), () => polyfill.addLocalDays(from, days, zone));
          }
        }
        for (const side of [polyfill.localParts(t - 1, zone), polyfill.localParts(t, zone)]) {
          for (const shift of [-61, -30, -1, 0, 1, 30, 61]) {
            const minute = side.minuteOfDay + shift;
            if (minute < 0 || minute >= 1440) continue;
            const time = `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
            same(`atLocalTime ${zone} ${side.date} ${time}`, () => atLocalTime(side.date, time, zone), () => polyfill.atLocalTime(side.date, time, zone));
          }
        }
      }
    }
  });

  it('accepts and refuses the same time zone identifiers', () => {
    const shuffled = (s: string) => [...s].map((c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
    const aliases = ['PST', 'IST', 'CST', 'JST', 'EST', 'MST', 'HST', 'UCT', 'Zulu', 'NZ-CHAT', 'GB-Eire', 'US/Eastern', 'Asia/Calcutta', 'Europe/Kiev', 'Brazil/DeNoronha', 'Antarctica/DumontDUrville', 'Antarctica/McMurdo', 'Mexico/BajaSur', 'America/Port-au-Prince', 'America/Argentina/ComodRivadavia', 'Etc/GMT+5', 'Etc/GMT-14', 'EST5EDT'];
    const odd = ['UTC', 'utc', 'Etc/UTC', 'Z', '+01:00', '+0100', '+01', '-00:00', '+01:00:30', '+24:00', '\u221201:00', 'Europe/Berlin ', 'Europe//Berlin', 'Europe/B\u00e9rlin', 'Mars/Olympus', 'Factory', '2020-01-01T00:00Z', '2020-01-01T00:00+01:00', '2020-01-01T00:00[Europe/Berlin]', '2020-02-30T00:00Z', '2020-01-01', '2020-01-01T00:00[!u-foo=bar]', '', 'x'.repeat(101), 42, null, undefined, {}];
    for (const name of [...zones, ...aliases]) {
      for (const id of [name, name.toLowerCase(), name.toUpperCase(), shuffled(name)]) {
        same(`isTimeZone ${id}`, () => isTimeZone(id), () => polyfill.isTimeZone(id));
        if (polyfill.isTimeZone(id)) same(`localParts ${id}`, () => localParts(1.7e12, id), () => polyfill.localParts(1.7e12, id));
      }
    }
    for (const id of odd) {
      same(`isTimeZone ${String(id)}`, () => isTimeZone(id), () => polyfill.isTimeZone(id));
      same(`localParts ${String(id)}`, () => localParts(-1e12, id as string), () => polyfill.localParts(-1e12, id as string));
      same(`atLocalTime ${String(id)}`, () => atLocalTime('2027-03-28', '02:30', id as string), () => polyfill.atLocalTime('2027-03-28', '02:30', id as string));
    }
  });

  it('reads the same date and time strings and refuses the same arguments', () => {
    const strings: [string, string][] = [
      ['2027-03-14', '02:30'], ['2027-03-14', '02:30:59.999999999'], ['2027-03-14', '2:30'], ['2027-03-14', '0230'], ['20270314', '0230'], ['2027-0314', '02:30'],
      ['2027-03-14', '02:30Z'], ['2027-03-14', '02:30+01:00'], ['2027-03-14', '02:30[Asia/Tokyo]'], ['2027-03-14', '02:30[u-ca=gregory]'], ['2027-03-14', '02:30[u-ca=hebrew]'],
      ['2027-03-14', '02:30[!u-ca=iso8601][u-ca=gregory]'], ['2027-03-14', '02:30[foo=bar]'], ['2027-03-14', '02:30[!foo=bar]'], ['2027-02-29', '09:00'], ['2028-02-29', '09:00'],
      ['2027-13-01', '09:00'], ['2027-03-14', '24:00'], ['2027-03-14', '23:59:60'], ['+002027-03-14', '09:00'], ['-000001-03-14', '09:00'], ['-271821-04-19', '00:00'],
      ['-271821-04-19', '00:00:00.000000001'], ['-271821-04-20', '00:00'], ['+275760-09-13', '00:00'], ['+275760-09-13', '23:59'], ['+275760-09-14', '00:00'], ['1850-06-01', '12:00'],
      ['2027-03-14', ''], ['2027-03-14', 't02:30'], ['2027-03-14', '02:30:00,5'],
    ];
    for (const zone of ['Europe/Berlin', 'America/New_York', 'UTC', '+05:30', 'Europe/Amsterdam']) {
      for (const [date, time] of strings) same(`atLocalTime ${date} ${time} ${zone}`, () => atLocalTime(date, time, zone), () => polyfill.atLocalTime(date, time, zone));
      for (const value of [NaN, Infinity, 1.5, -0, 8.64e15, 8.64e15 + 1, -8.64e15 - 1, '1700000000000', null, 10n, true]) {
        same(`localParts ${String(value)} ${zone}`, () => localParts(value as number, zone), () => polyfill.localParts(value as number, zone));
        same(`addLocalDays from ${String(value)} ${zone}`, () => addLocalDays(value as number, 1, zone), () => polyfill.addLocalDays(value as number, 1, zone));
        same(`addLocalDays by ${String(value)} ${zone}`, () => addLocalDays(1.7e12, value as number, zone), () => polyfill.addLocalDays(1.7e12, value as number, zone));
      }
      for (const days of [undefined, 0, 1e8, 1.05e11, 104_249_991_374, 104_249_991_375, -2e8]) {
        same(`addLocalDays by ${String(days)} ${zone}`, () => addLocalDays(1.7e12, days as number, zone), () => polyfill.addLocalDays(1.7e12, days as number, zone));
      }
    }
  });
});
