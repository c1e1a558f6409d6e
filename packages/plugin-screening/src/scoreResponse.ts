import { checkJsonSafe, type CssrsRisk, type FieldIssue } from '@carejourney/core';
import { isAsked, type Answers, type AnswerValue } from './askableItems.js';
import { refusal } from './fieldIssues.js';
import type { InstrumentDefinition, InstrumentItem } from './instrumentDefinition.js';

/**
 * The score of one complete response: the total (or the triage risk), subscales, the band, the
 * flags raised, and the answers it was computed from.
 *
 * @example
 * ```ts
 * const score: Score = scoreResponse(PHQ9, { '1': 1, '2': 2, '3': 1, '4': 2, '5': 1, '6': 1, '7': 1, '8': 0, '9': 1 });
 * score.total; // 10
 * score.flags.map((f) => f.code); // ['item9-positive']: needs follow-up whatever the total
 * ```
 */
export interface Score {
  readonly instrument: string;
  readonly version: string;
  /** The answers of the items asked, in item order (skipped items are absent). */
  readonly answers: Readonly<Record<string, AnswerValue>>;
  /** The total; null for triage instruments (C-SSRS). */
  readonly total: number | null;
  /** True when missing items were imputed under the instrument's prorating rule. */
  readonly prorated: boolean;
  /** Subscale totals by code; null for a subscale with an unanswered item. */
  readonly subscales: Readonly<Record<string, number | null>>;
  /** The band the total falls in; null when the instrument has none there. */
  readonly band: { readonly code: string; readonly label: string } | null;
  /** The flags the response raises (positive screen, item 9 above 0, ...). */
  readonly flags: readonly { readonly code: string; readonly label: string }[];
  /** The triage level of a triage instrument (C-SSRS); null otherwise. */
  readonly risk: CssrsRisk | null;
}

/** A key as it may appear in an error path: short, with nothing but id characters. */
const pathKey = (key: string) => key.slice(0, 40).replace(/[^A-Za-z0-9._-]/g, '?');

function describeOptions(item: InstrumentItem): string {
  const values = item.answers.map((a) => a.value).sort((a, b) => a - b);
  const contiguous = values.every((v, i) => i === 0 || v === (values[i - 1] ?? v) + 1);
  return contiguous && values.length > 2 ? `${values[0]}-${values[values.length - 1]}` : values.join(', ');
}

/** Checks the answers against the items; returns the issues and the answers of asked items. */
function checkAnswers(definition: InstrumentDefinition, raw: unknown): { issues: FieldIssue[]; asked: Record<string, AnswerValue>; missing: string[] } {
  const issues: FieldIssue[] = [];
  const asked: Record<string, AnswerValue> = {};
  const missing: string[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ path: 'answers', rule: 'invalid_type', message: 'expected an object of answers keyed by item linkId' });
    return { issues, asked, missing };
  }
  const json = checkJsonSafe(raw, 'answers');
  if (json.length > 0) return { issues: json, asked, missing };
  const answers = raw as Record<string, unknown>;
  const known = new Set(definition.items.map((i) => i.linkId));
  for (const key of Object.keys(answers)) {
    if (!known.has(key)) issues.push({ path: `answers.${pathKey(key)}`, rule: 'unknown_item', message: `not an item of ${definition.id}` });
  }
  const askedIds = new Set<string>();
  for (const item of definition.items) {
    const path = `answers.${item.linkId}`;
    const present = Object.hasOwn(answers, item.linkId);
    if (!isAsked(item, askedIds, answers as Answers)) {
      if (present) {
        const when = (item.enableWhen ?? []).map((c) => `item ${c.linkId} is ${typeof c.equals === 'boolean' ? (c.equals ? 'yes' : 'no') : c.equals}`);
        issues.push({ path, rule: 'not_asked', message: `item ${item.linkId} is asked only when ${when.join(item.enableBehavior === 'any' ? ' or ' : ' and ')}: leave it out` });
      }
      continue;
    }
    askedIds.add(item.linkId);
    if (!present) {
      missing.push(item.linkId);
      continue;
    }
    const value = answers[item.linkId];
    if (item.type === 'boolean') {
      if (typeof value !== 'boolean') issues.push({ path, rule: 'invalid_type', message: `item ${item.linkId} takes yes (true) or no (false)` });
      else asked[item.linkId] = value;
    } else if (typeof value !== 'number' || !item.answers.some((a) => a.value === value)) {
      issues.push({ path, rule: 'not_an_option', message: `item ${item.linkId} takes one of its answer values (${describeOptions(item)})` });
    } else {
      asked[item.linkId] = value;
    }
  }
  return { issues, asked, missing };
}

/** sum x items / answered, rounded in integers (no floating-point halves). */
function prorated(sum: number, items: number, answered: number, rounding: 'nearest' | 'up' | 'down'): number {
  const scaled = sum * items;
  if (rounding === 'down') return Math.floor(scaled / answered);
  if (rounding === 'up') return Math.floor((scaled + answered - 1) / answered);
  return Math.floor((2 * scaled + answered) / (2 * answered));
}

/**
 * Scores one response to an instrument. Every asked item must be answered with one of its
 * answer values (yes/no for boolean items) and skipped items must be left out; otherwise it
 * throws `CJ_ERR_INVALID_INPUT` naming each item and the rule (`answers.3: item 3 is unanswered`).
 * Missing items are imputed only when the instrument defines a prorating rule (the mean of the
 * answered items, rounded as the rule says); the total never leaves the instrument's min-max.
 *
 * @example
 * ```ts
 * const score = scoreResponse(GAD7, { '1': 2, '2': 2, '3': 1, '4': 2, '5': 1, '6': 1, '7': 2 });
 * score.total; // 11
 * score.band;  // { code: 'moderate', label: 'Moderate anxiety' }
 * ```
 */
export function scoreResponse(definition: InstrumentDefinition, answers: unknown): Score {
  const { issues, asked, missing } = checkAnswers(definition, answers);
  const { scoring } = definition;
  const maxMissing = scoring.kind === 'sum' ? (scoring.prorate?.maxMissing ?? 0) : 0;
  if (missing.length > maxMissing) {
    for (const id of missing) {
      issues.push({
        path: `answers.${id}`,
        rule: 'required',
        message: `item ${id} is unanswered: ${definition.id} is scored only when ${maxMissing > 0 ? `at most ${maxMissing} item(s) are` : 'every asked item is'} answered`,
      });
    }
  }
  if (issues.length > 0) throw refusal('CJ_ERR_INVALID_INPUT', `${definition.id} answers are invalid:`, issues);

  const itemValue = (id: string): number | undefined => {
    const v = asked[id];
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  };
  let total: number | null = null;
  let risk: CssrsRisk | null = null;
  const subscales: Record<string, number | null> = {};
  if (scoring.kind === 'sum') {
    const values = definition.items.map((i) => itemValue(i.linkId)).filter((v): v is number => v !== undefined);
    const sum = values.reduce((a, b) => a + b, 0);
    total = missing.length === 0 || !scoring.prorate ? sum : prorated(sum, definition.items.length, values.length, scoring.prorate.rounding);
    // The definition guarantees the range (every prorated item scores the same one); the clamp
    // keeps a definition that skipped defineInstrument from reporting an impossible total.
    total = Math.min(scoring.max, Math.max(scoring.min, total));
    for (const s of scoring.subscales) {
      const parts = s.items.map(itemValue);
      subscales[s.code] = parts.every((v) => v !== undefined) ? (parts as number[]).reduce((a, b) => a + b, 0) : null;
    }
  } else {
    risk = scoring.levels.find((l) => l.anyYes.some((id) => asked[id] === true))?.level ?? 'none';
  }
  const band = total === null ? undefined : definition.bands.find((b) => total >= b.min && total <= b.max);
  const flags = definition.flags
    .filter((f) => {
      const value = f.item === undefined ? total : itemValue(f.item);
      if (value === null || value === undefined) return false;
      return (f.atLeast === undefined || value >= f.atLeast) && (f.atMost === undefined || value <= f.atMost);
    })
    .map((f) => ({ code: f.code, label: f.label }));
  return {
    instrument: definition.id,
    version: definition.version,
    answers: asked,
    total,
    prorated: missing.length > 0,
    subscales,
    band: band ? { code: band.code, label: band.label } : null,
    flags,
    risk,
  };
}
