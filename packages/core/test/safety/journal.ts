// Reading a journey's journal the way an auditor would: sessions, doses and records are found from
// the journal entries (type, payload, actor, time, from and to states) alone.
import type { JournalEntry } from '../../src/index.js';
import { ms } from './model.js';

export type Entry = JournalEntry;
type P = Record<string, unknown>;

export const IN_SESSION = /\.session\./;
export const DOSED = /\.session\.dosed(\.|\||$)/;
export const PRE_DOSE = /\.session\.preDose/;
export const ON_HOLD = /onHold/;
export const WAITING = /course\.(induction|maintenance)\.waiting/;
export const MISSED_REVIEW = /missedReview/;
/** Ended clinically: final states and the REMS waiting states after an ending. */
export const ENDED = /^(completed|discontinued|closed)/;
export const IN_MAINTENANCE = /course\.maintenance/;
/** In treatment: the course or on hold. */
export const TREATMENT = /care\.clinical\.treatment/;

export const inSession = (label: string | null): boolean => label !== null && IN_SESSION.test(label);
export const isDosed = (label: string | null): boolean => label !== null && DOSED.test(label);

export const str = (p: P, key: string): string | undefined => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
export const num = (p: P, key: string): number | undefined => (typeof p[key] === 'number' ? (p[key] as number) : undefined);

/** One session from its check-in to its end, as the journal shows it. */
export interface Episode {
  readonly open: Entry;
  /** Entries after the check-in, up to and including the one that ended the session. */
  readonly entries: Entry[];
  dose: Entry | null;
  end: Entry | null;
}

export function episodes(journal: readonly Entry[]): Episode[] {
  const out: Episode[] = [];
  let current: Episode | null = null;
  for (const e of journal) {
    if (e.kind === 'start') continue;
    const fromIn = inSession(e.from);
    const toIn = inSession(e.to);
    if (!fromIn && toIn) {
      current = { open: e, entries: [], dose: null, end: null };
      out.push(current);
      continue;
    }
    if (current && fromIn) {
      current.entries.push(e);
      if (current.dose === null && e.type === 'dose.recorded') current.dose = e;
      if (!toIn) {
        current.end = e;
        current = null;
      }
    }
  }
  return out;
}

/** The session open now, if any. */
export function openEpisode(journal: readonly Entry[]): Episode | null {
  const last = episodes(journal).at(-1);
  return last && last.end === null ? last : null;
}

export function lastBefore(journal: readonly Entry[], seq: number, pred: (e: Entry) => boolean): Entry | undefined {
  let found: Entry | undefined;
  for (const e of journal) {
    if (e.seq >= seq) break;
    if (pred(e)) found = e;
  }
  return found;
}

export const ofType =
  (...types: string[]) =>
  (e: Entry): boolean =>
    types.includes(e.type);

/**
 * When a reading was taken: its `takenAt`, or the event's time. A `takenAt` a little after the
 * event's time (within the accepted clock skew between devices) counts as taken at the event's time.
 */
export const takenAt = (e: Entry): number => {
  const t = str(e.payload, 'takenAt');
  return t === undefined ? ms(e.at) : Math.min(ms(t), ms(e.at));
};

export const trustedAdultMeetsAll = (p: P): boolean =>
  p['aged18OrOver'] === true && p['presentWholeSession'] === true && p['withinVoiceRange'] === true && p['canCallCareTeamOrEmergency'] === true;

export const isAbove = (p: P, limit: { systolic: number; diastolic: number }): boolean =>
  (num(p, 'systolic') ?? 0) > limit.systolic || (num(p, 'diastolic') ?? 0) > limit.diastolic;

/** The pre-dose state of a session's records (before `beforeSeq`), judged by the safety model. */
export interface PreDoseRecords {
  readonly fasting: Entry[];
  readonly transportPositive: boolean;
  readonly trustedAdultPositive: boolean;
  /** Blocking records (finding, negative confirmation) with no later physician clearance. */
  readonly unclearedBlocking: Entry[];
  readonly bpReadings: Entry[];
  /** The last pre-dose reading above the limit with no later override. */
  readonly bpUnoverridden: Entry | undefined;
  readonly contraindicationChecks: Entry[];
  readonly medicationsConfirmed: boolean;
}

export function preDoseRecords(entries: readonly Entry[], limit: { systolic: number; diastolic: number }): PreDoseRecords {
  const clears = entries.filter((e) => e.type === 'predose.findingCleared' && e.actor.role === 'physician');
  const lifted = (e: Entry) => clears.some((c) => c.seq > e.seq);
  const blocking = entries.filter(
    (e) =>
      (e.type === 'predose.transportConfirmed' && e.payload['responsibleAdultConfirmed'] !== true) ||
      (e.type === 'predose.trustedAdultConfirmed' && !trustedAdultMeetsAll(e.payload)) ||
      (e.type === 'predose.contraindicationsChecked' && Array.isArray(e.payload['newFindings']) && e.payload['newFindings'].length > 0),
  );
  const bpReadings = entries.filter(ofType('predose.vitalsRecorded'));
  const lastAbove = bpReadings.filter((e) => isAbove(e.payload, limit)).at(-1);
  const overridden = lastAbove !== undefined && entries.some((e) => e.type === 'predose.bpOverridden' && e.actor.role === 'physician' && e.seq > lastAbove.seq);
  return {
    fasting: entries.filter(ofType('predose.fastingConfirmed')),
    transportPositive: entries.some((e) => e.type === 'predose.transportConfirmed' && e.payload['responsibleAdultConfirmed'] === true),
    trustedAdultPositive: entries.some((e) => e.type === 'predose.trustedAdultConfirmed' && trustedAdultMeetsAll(e.payload)),
    unclearedBlocking: blocking.filter((e) => !lifted(e)),
    bpReadings,
    bpUnoverridden: lastAbove !== undefined && !overridden ? lastAbove : undefined,
    contraindicationChecks: entries.filter(ofType('predose.contraindicationsChecked')),
    medicationsConfirmed: entries.some(ofType('predose.medicationsConfirmed')),
  };
}

/** Latest food, liquid and nasal-spray instants across every fasting record. */
export function fastingLatest(records: readonly Entry[]): { food: number; liquid: number; nasal: number | null } | null {
  if (records.length === 0) return null;
  let food = -Infinity;
  let liquid = -Infinity;
  let nasal: number | null = null;
  for (const r of records) {
    const f = str(r.payload, 'lastFoodAt');
    const l = str(r.payload, 'lastLiquidAt');
    const n = str(r.payload, 'lastNasalSteroidOrDecongestantAt');
    if (f !== undefined) food = Math.max(food, ms(f));
    if (l !== undefined) liquid = Math.max(liquid, ms(l));
    if (n !== undefined) nasal = Math.max(nasal ?? -Infinity, ms(n));
  }
  return { food, liquid, nasal };
}

export interface Reading {
  readonly systolic: number;
  readonly diastolic: number;
  readonly heartRate: number;
  readonly spo2: number | null;
  readonly takenAt: number;
  readonly seq: number;
}

/** The post-dose vitals readings of a session, in takenAt order. */
export function readingsOf(entries: readonly Entry[], uptoSeq = Infinity): Reading[] {
  return entries
    .filter((e) => e.type === 'monitoring.vitalsRecorded' && e.seq <= uptoSeq)
    .map((e) => ({
      systolic: num(e.payload, 'systolic') ?? 0,
      diastolic: num(e.payload, 'diastolic') ?? 0,
      heartRate: num(e.payload, 'heartRate') ?? 0,
      spo2: num(e.payload, 'spo2') ?? null,
      takenAt: takenAt(e),
      seq: e.seq,
    }))
    .sort((a, b) => a.takenAt - b.takenAt || a.seq - b.seq);
}

/** The stop rules, over every reading whatever order it arrived in. Returns the rule hit, or null. */
export function stopRuleHit(
  readings: readonly Reading[],
  rules: {
    repeatedBp: { systolic: number; diastolic: number; minutesApart: number };
    singleBp: { systolic: number; diastolic: number };
    heartRate: { above: number; forMinutes: number };
    spo2Below: number | null;
  },
): string | null {
  if (readings.some((r) => r.systolic > rules.singleBp.systolic || r.diastolic > rules.singleBp.diastolic)) return 'single BP';
  const high = readings.filter((r) => r.systolic > rules.repeatedBp.systolic || r.diastolic > rules.repeatedBp.diastolic);
  for (const a of high) for (const b of high) if (b.takenAt - a.takenAt >= rules.repeatedBp.minutesApart * 60_000) return 'repeated BP';
  let runStart: Reading | null = null;
  for (const r of readings) {
    if (r.heartRate > rules.heartRate.above) {
      runStart ??= r;
      if (r.takenAt - runStart.takenAt >= rules.heartRate.forMinutes * 60_000) return 'heart rate';
    } else runStart = null;
  }
  if (rules.spo2Below !== null && readings.some((r) => r.spo2 !== null && r.spo2 < rules.spo2Below!)) return 'SpO2';
  return null;
}

/** Events that put treatment on hold (the hold is pending while a dosed session is open). */
export function isHoldTrigger(e: Entry, phq9Item9AtLeast: number, cssrs: readonly string[]): boolean {
  if (e.type === 'safety.signalReported') return true;
  if (e.type === 'monitoring.adverseEventRecorded') return e.payload['serious'] === true;
  if (e.type === 'assessment.recorded') {
    if (e.payload['instrument'] === 'PHQ-9') return (num(e.payload, 'item9') ?? 0) >= phq9Item9AtLeast;
    if (e.payload['instrument'] === 'C-SSRS') return cssrs.includes(String(e.payload['risk']));
  }
  return false;
}

export const isEnding = (e: Entry): boolean => e.type === 'treatment.discontinued' || e.type === 'journey.withdrawn';
