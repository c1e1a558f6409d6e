// The scenario of the restart test, the same in the killed processes and in the reference run:
// three esketamine journeys through their first two sessions, a reschedule, a confirmation, and a
// host whose channel fails some first attempts (decided by the delivery id, so every run agrees).
import { createHash } from 'node:crypto';
import { inductionSchedule } from '@carejourney/core';
import type { DeliverResult, ReminderMessage } from '../../src/index.js';
import { HOUR, iso, JourneyScript, mergeScripts, type Step } from './journeyScript.js';

export const CRASH_ZONE = 'Europe/Berlin';
export const CRASH_START = Date.parse('2027-03-01T08:00:00Z');
const DAY = 86_400_000;
const ESKETAMINE = [
  { weeks: 4, days: [0, 3] },
  { weeks: 4, days: [0] },
];

export function crashSteps(): Step[] {
  const scripts: JourneyScript[] = [];
  for (let j = 0; j < 3; j++) {
    const id = `j-crash-${j}`;
    const intakeAt = CRASH_START + j * 3 * HOUR;
    const first = Date.parse('2027-03-08T08:00:00Z') + j * 2 * HOUR;
    const s = new JourneyScript(id, `pt-crash-${j}`).start(intakeAt).intake(intakeAt, first);
    const dates = inductionSchedule(ESKETAMINE, first, CRASH_ZONE).map((d) => d.dueAt);
    for (let n = 0; n < 2; n++) {
      const due = dates[n] as number;
      if (j === 1 && n === 1) {
        // Journey 1's second session moves a day later, two days ahead.
        const moved = due + DAY;
        s.send(due - 2 * DAY - HOUR, 'session.rescheduled', { sessionNumber: 2, to: iso(moved), reason: 'Patient travelling' }, 'coordinator');
        s.esketamineSession(moved);
        continue;
      }
      if (n === 1) s.confirm(due - 22 * HOUR, 'session.transport', `s${n + 1}`, due);
      const discharge = s.esketamineSession(due);
      s.remsForm(discharge + HOUR, n + 1);
    }
    s.tick((dates[2] as number) - 3 * HOUR);
    scripts.push(s);
  }
  return mergeScripts(scripts);
}

/** A quarter of first and second attempts fail (the third always goes through). */
export function crashFailurePolicy(message: ReminderMessage): DeliverResult | 'throw' {
  if (message.attempt > 2) return undefined;
  const byte = createHash('sha256').update(`${message.deliveryId}:${message.attempt}`).digest()[0] as number;
  return byte % 4 === 0 ? 'throw' : undefined;
}
