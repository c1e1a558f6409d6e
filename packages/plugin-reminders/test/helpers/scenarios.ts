import { createEngine, ketamineAnxietyJourney, localParts, type KetamineProtocolInput } from '@carejourney/core';
import type { RemindersOptions } from '../../src/index.js';
import { Driver, testProtocol } from './driver.js';
import { JourneyScript, mergeScripts } from './journeyScript.js';

export const BERLIN = 'Europe/Berlin';
/** Monday 2027-03-15 09:00 in Berlin. */
export const FIRST_SESSION = Date.parse('2027-03-15T08:00:00Z');
export const INTAKE_AT = Date.parse('2027-03-08T08:00:00Z');

/** An esketamine journey booked from 2027-03-15 09:00 Berlin, intake done a week before. */
export async function bookedJourney(
  options: {
    reminders?: Partial<RemindersOptions>;
    protocol?: Partial<KetamineProtocolInput>;
    journeyId?: string;
    zone?: string;
    route?: 'esketamine-nasal' | 'iv' | 'sublingual-home';
    /** When the intake and the booking happen (default a week before the first session). */
    intakeAt?: number;
    firstSessionAt?: number;
  } = {},
): Promise<{ d: Driver; id: string }> {
  const id = options.journeyId ?? 'j-1';
  const intakeAt = options.intakeAt ?? INTAKE_AT;
  const d = new Driver({
    start: intakeAt,
    timeZone: options.zone ?? BERLIN,
    ...(options.reminders ? { reminders: options.reminders } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
  });
  const script = new JourneyScript(id, 'pt-0001').start(intakeAt).intake(intakeAt, options.firstSessionAt ?? FIRST_SESSION, { route: options.route ?? 'esketamine-nasal' });
  await d.run(mergeScripts([script]));
  return { d, id };
}

/** Runs the journey's next planned esketamine session (and what comes due up to it). */
export async function runNextSession(d: Driver, id: string, prefix: string, options: { followUpGad7?: number } = {}): Promise<{ number: number; dueAt: number; dischargeAt: number }> {
  const next = (await d.context(id)).schedule.filter((s) => s.status === 'planned').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  if (!next) throw new Error('no planned session');
  const script = new JourneyScript(id, 'pt-0001', prefix);
  const dischargeAt = script.esketamineSession(Date.parse(next.dueAt), options);
  await d.run(script.steps);
  return { number: next.number, dueAt: Date.parse(next.dueAt), dischargeAt };
}

/** A second engine over the same store without the reminders plugin: another process of the host. */
export function pluginlessEngine(d: Driver, zone = BERLIN) {
  return createEngine({ definition: ketamineAnxietyJourney, store: d.store, clock: d.clock, protocol: testProtocol(zone) });
}

/** Local date and time of an instant, `2027-03-15 09:00`. */
export function local(instant: number, zone = BERLIN): string {
  const { date, time } = localParts(instant, zone);
  return `${date} ${time}`;
}

/** The reminders plugin's pending timers of a journey, by rule and subject. */
export async function pendingReminders(d: Driver, id: string): Promise<string[]> {
  const timers = await d.store.listTimers(id);
  return timers
    .filter((t) => t.owner === 'reminders')
    .map((t) => {
      const p = t.payload as { rule: string; subject: string };
      return `${p.rule} ${p.subject} ${local(t.dueAt)}`;
    })
    .sort();
}
