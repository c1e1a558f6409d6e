// Picks a plausible next event of the core test journey (clinic-visit) for a journey's view, so
// child processes can drive many journeys without a script per journey.
import type { JourneyView } from '@carejourney/core';
import { actors, type VisitContext } from '../../../core/test/fixtures/visitJourney.js';

export type Random = () => number;

/** A small seeded generator (mulberry32): runs are reproducible from their seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

export interface VisitAction {
  readonly event: { type: string } & Record<string, unknown>;
  readonly actor: (typeof actors)[keyof typeof actors];
}

/** One event the journey accepts now, with a payload its schema accepts; `undefined` when none. */
export function nextVisitAction(view: JourneyView<VisitContext>, now: number, random: Random): VisitAction | undefined {
  const choices = view.allowedEvents.filter((type) => type !== 'journey.withdraw' || random() < 0.03);
  if (choices.length === 0) return undefined;
  const type = pick(random, choices);
  switch (type) {
    case 'consent.recorded':
      return { event: { type }, actor: actors.physician };
    case 'visit.book':
      return { event: { type, slot: new Date(now + (10 + Math.floor(random() * 110)) * 60_000).toISOString() }, actor: actors.coordinator };
    case 'visit.cancel':
      return { event: { type }, actor: actors.coordinator };
    case 'patient.arrived':
      return { event: { type }, actor: actors.nurse };
    case 'vitals.recorded':
      return { event: { type, systolic: 100 + Math.floor(random() * 50), diastolic: 60 + Math.floor(random() * 35) }, actor: actors.nurse };
    case 'bp.override':
      return { event: { type, reason: 'reviewed by physician' }, actor: actors.physician };
    case 'dose.given':
      return { event: { type, mg: 50, lot: 'LOT-1' }, actor: actors.nurse };
    case 'adverse.event':
      return { event: { type, severity: 'mild' }, actor: actors.nurse };
    case 'patient.discharged':
      return { event: { type, releasedTo: 'responsible adult' }, actor: actors.nurse };
    case 'journey.withdraw':
      return { event: { type }, actor: actors.coordinator };
    default:
      return undefined;
  }
}
