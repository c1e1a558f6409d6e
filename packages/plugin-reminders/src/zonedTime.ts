import { addLocalDays, atLocalTime, formatLocal, localParts, type LocalParts } from '@carejourney/core';

// Core's time functions, remembered. They are pure, and every re-plan of a journey asks the same
// questions again (each session's local date, the day before it, the start of quiet hours), while
// each answer costs a Temporal computation. Bounded: the memory is cleared when it grows too large.

const LIMIT = 100_000;
const memory = new Map<string, unknown>();

function remember<T>(key: string, compute: () => T): T {
  const known = memory.get(key);
  if (known !== undefined) return known as T;
  const value = compute();
  if (memory.size >= LIMIT) memory.clear();
  memory.set(key, value);
  return value;
}

/** `localParts` of @carejourney/core, remembered. */
export const zonedParts = (instant: number, timeZone: string): LocalParts => remember(`p|${timeZone}|${instant}`, () => localParts(instant, timeZone));

/** `formatLocal` of @carejourney/core, remembered. */
export const zonedFormat = (instant: number, timeZone: string): string => remember(`f|${timeZone}|${instant}`, () => formatLocal(instant, timeZone));

/** `addLocalDays` of @carejourney/core, remembered. */
export const zonedAddDays = (instant: number, days: number, timeZone: string): number =>
  remember(`d|${timeZone}|${instant}|${days}`, () => addLocalDays(instant, days, timeZone));

/** `atLocalTime` of @carejourney/core, remembered. */
export const zonedAt = (date: string, time: string, timeZone: string): number => remember(`a|${timeZone}|${date}|${time}`, () => atLocalTime(date, time, timeZone));
