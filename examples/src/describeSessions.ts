// The "Sessions:" line of an example's summary: which session ended how, by its schedule number.
// "1 transferred, 2 cancelled" reads like counts; "session #1 transferred to the emergency
// department; session #2 cancelled before the dose" cannot be misread.
import type { SessionSummary } from '@carejourney/core';

const DESTINATIONS: Readonly<Record<NonNullable<SessionSummary['transfer']>['destination'], string>> = {
  'emergency-department': 'the emergency department',
  ems: 'EMS',
  'inpatient-admission': 'an inpatient admission',
};

const RELEASED_TO: Readonly<Record<NonNullable<SessionSummary['discharge']>['releasedTo'], string>> = {
  'responsible-adult': 'a responsible adult',
  'trusted-adult-at-home': 'the trusted adult at home',
};

/** How one session ended, in words: `transferred to the emergency department`, `cancelled before the dose`. */
export function describeSessionOutcome(s: SessionSummary, options: { readonly releasedTo?: boolean } = {}): string {
  const released = options.releasedTo === true && s.discharge ? `, released to ${RELEASED_TO[s.discharge.releasedTo]}` : '';
  switch (s.outcome) {
    case 'completed':
      return `completed${released}`;
    case 'transferred':
      return s.transfer ? `transferred to ${DESTINATIONS[s.transfer.destination]}` : 'transferred';
    case 'cancelled':
      return s.dose === null ? 'cancelled before the dose' : 'cancelled';
    case 'aborted':
      return `stopped early${s.discharge ? ', observed to discharge' : ''}${released}`;
  }
}

/**
 * Sessions by their schedule number and how each ended; runs of consecutive sessions that ended
 * alike are one item (`sessions #2-#4 completed`).
 *
 * @example
 * ```ts
 * describeSessions(context.sessions);
 * // 'session #1 transferred to the emergency department; session #2 cancelled before the dose; sessions #3-#6 completed'
 * ```
 */
export function describeSessions(sessions: readonly SessionSummary[], options: { readonly releasedTo?: boolean } = {}): string {
  const runs: { first: number; last: number; text: string }[] = [];
  for (const s of sessions) {
    const text = describeSessionOutcome(s, options);
    const run = runs.at(-1);
    if (run && run.text === text && run.last + 1 === s.number) run.last = s.number;
    else runs.push({ first: s.number, last: s.number, text });
  }
  if (runs.length === 0) return 'none yet';
  return runs.map((r) => (r.first === r.last ? `session #${r.first} ${r.text}` : `sessions #${r.first}-#${r.last} ${r.text}`)).join('; ');
}
