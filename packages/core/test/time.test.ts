import { describe, expect, it } from 'vitest';
import { addLocalDays, atLocalTime, formatLocal, isTimeZone, localParts } from '../src/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('time in a zone (Temporal)', () => {
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
