import type { KetamineJourneyContext, ScheduledSession } from '@carejourney/core';
import { zonedFormat as formatLocal, zonedParts as localParts } from '../zonedTime.js';
import type { ReminderVariables } from './ReminderRule.js';

/** The route protocol of the journey's plan, or null before a plan. */
export function routeOf(context: KetamineJourneyContext): KetamineJourneyContext['protocol']['routes'][keyof KetamineJourneyContext['protocol']['routes']] | null {
  const route = context.plan?.route;
  return route === undefined ? null : (context.protocol.routes[route] ?? null);
}

/**
 * Sessions of the schedule still planned (not started, missed, cancelled or done).
 *
 * @example
 * ```ts
 * plannedSessions(context).map((s) => s.dueAt); // the sessions a custom rule may remind of
 * ```
 */
export function plannedSessions(context: KetamineJourneyContext): ScheduledSession[] {
  return context.schedule.filter((s) => s.status === 'planned');
}

/**
 * A session's time as the reader sees it in `timeZone`: `sessionAt` (`2027-03-29 09:00
 * (Europe/Berlin)`), `sessionDate`, `sessionTime`, plus its number, phase and setting.
 *
 * @example
 * ```ts
 * sessionVariables(context.schedule[0], context, 'Europe/Berlin').sessionTime; // '09:00'
 * ```
 */
export function sessionVariables(session: ScheduledSession, context: KetamineJourneyContext, timeZone: string): ReminderVariables {
  const at = Date.parse(session.dueAt);
  const { date, time } = localParts(at, timeZone);
  return {
    sessionNumber: session.number,
    sessionPhase: session.phase,
    sessionAt: formatLocal(at, timeZone),
    sessionDate: date,
    sessionTime: time,
    timeZone,
    setting: routeOf(context)?.setting ?? null,
  };
}
