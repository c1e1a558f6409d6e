import { localParts } from './localParts.js';

/**
 * An instant as a clinician reads it in a zone: `2027-03-15 09:00 (America/New_York)`, or
 * `2027-03-15 13:00 UTC` in UTC. Used in refusal messages and reminders.
 *
 * @example
 * ```ts
 * formatLocal(Date.parse('2027-03-15T13:00:00Z'), 'America/New_York'); // '2027-03-15 09:00 (America/New_York)'
 * ```
 */
export function formatLocal(instant: number | string, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  const { date, time } = localParts(ms, timeZone);
  return timeZone === 'UTC' ? `${date} ${time} UTC` : `${date} ${time} (${timeZone})`;
}
