import { INSTRUMENTS, type CssrsRisk } from '@carejourney/core';
import { z } from 'zod';

// Instruments are data: one zod schema describes every instrument this package ships and every
// instrument a host adds. The refinements below catch data errors (a band outside the scale, a
// subscale naming an item that does not exist, licensed item text shipped by mistake) when the
// definition is made, not when a patient's answers are scored.

/** A LOINC term code: digits, a dash and the check digit (e.g. `70274-6`). */
const loincCode = z.string().regex(/^\d{1,7}-\d$/, 'must be a LOINC code such as 70274-6');
/** A LOINC answer code (e.g. `LA6568-5`). */
const loincAnswerCode = z.string().regex(/^LA\d{1,7}-\d$/, 'must be a LOINC answer code such as LA6568-5');
/**
 * An item's linkId. Letters, digits, `.`, `_` and `-`, so it can stand in a FHIR linkId and in an
 * error path without quoting.
 */
const linkId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'must be 1-40 letters, digits, ".", "_" or "-", starting with a letter or digit');
const label = z.string().trim().min(1).max(300);
const code = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a lower-case code such as "moderate" or "positive-screen"');

/** One answer an item offers: its score and, for coded instruments, the LOINC answer code. */
export const answerOptionSchema = z.strictObject({
  /** The ordinal value the option scores. */
  value: z.number().int().min(0).max(100),
  /** The option's wording; left out for licensed instruments. */
  display: label.optional(),
  /** The LOINC answer code of the option (from the LOINC answer list of the item). */
  loinc: loincAnswerCode.optional(),
});
export type AnswerOption = z.infer<typeof answerOptionSchema>;

/** Skip logic: the item is asked only when an earlier item has this answer. */
export const enableWhenSchema = z.strictObject({
  linkId,
  equals: z.union([z.number().int(), z.boolean()]),
});
export type EnableWhen = z.infer<typeof enableWhenSchema>;

export const instrumentItemSchema = z
  .strictObject({
    linkId,
    /** The number printed beside the item, e.g. `9` (FHIR `prefix`). */
    prefix: z.string().trim().min(1).max(10).optional(),
    /** The item's wording; only for instruments whose text may be shipped. */
    text: z.string().trim().min(1).max(1000).optional(),
    /** The LOINC code of the question. */
    loinc: loincCode.optional(),
    /** `choice`: one of `answers`. `boolean`: yes (true) or no (false). */
    type: z.enum(['choice', 'boolean']),
    answers: z.array(answerOptionSchema).max(20).default([]),
    /** Asked only when these earlier answers hold (`enableBehavior` says whether all or any). */
    enableWhen: z.array(enableWhenSchema).max(5).optional(),
    enableBehavior: z.enum(['all', 'any']).default('all'),
  })
  .superRefine((item, ctx) => {
    if (item.type === 'choice') {
      if (item.answers.length < 2) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'a choice item offers at least two answers' });
      const values = item.answers.map((a) => a.value);
      if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', path: ['answers'], message: 'answer values must be unique' });
    } else if (item.answers.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['answers'], message: 'a boolean item takes yes or no: leave answers empty' });
    }
  });
export type InstrumentItem = z.output<typeof instrumentItemSchema>;

/** A severity band of the total, e.g. GAD-7 10-14 `moderate`. */
export const bandSchema = z.strictObject({ code, label, min: z.number().int().min(0), max: z.number().int().min(0) });
export type Band = z.infer<typeof bandSchema>;

/**
 * A signal raised by a total (or one item's answer) at or above `atLeast` / at or below `atMost`,
 * e.g. a positive GAD-7 screen at 10 or PHQ-9 item 9 above 0.
 */
export const flagSchema = z
  .strictObject({
    code,
    label,
    /** The item the flag reads; the total when left out. */
    item: linkId.optional(),
    atLeast: z.number().int().min(0).optional(),
    atMost: z.number().int().min(0).optional(),
  })
  .refine((f) => f.atLeast !== undefined || f.atMost !== undefined, { message: 'a flag needs atLeast or atMost', path: ['atLeast'] });
export type Flag = z.infer<typeof flagSchema>;

export const subscaleSchema = z.strictObject({
  /** Short: it ends the FHIR id of the subscale's Observation. */
  code: code.max(20),
  label,
  items: z.array(linkId).min(1).max(200),
});
export type Subscale = z.infer<typeof subscaleSchema>;

/** A total that is the sum of the item values. */
const sumScoringSchema = z.strictObject({
  kind: z.literal('sum'),
  min: z.number().int().min(0),
  max: z.number().int().min(1),
  subscales: z.array(subscaleSchema).max(10).default([]),
  /**
   * Mean imputation of up to `maxMissing` unanswered items (total = sum x items / answered,
   * rounded). Only where the instrument's authors define it; without it an incomplete response is
   * refused.
   */
  prorate: z.strictObject({ maxMissing: z.number().int().min(1).max(10) }).optional(),
});

const TRIAGE_LEVELS = ['low', 'moderate', 'high'] as const satisfies readonly CssrsRisk[];

/** A triage level from yes answers (the C-SSRS screener): the first level whose items have a yes. */
const triageScoringSchema = z.strictObject({
  kind: z.literal('triage'),
  levels: z
    .array(z.strictObject({ level: z.enum(TRIAGE_LEVELS), anyYes: z.array(linkId).min(1) }))
    .min(1)
    .max(3),
});

export const scoringSchema = z.discriminatedUnion('kind', [sumScoringSchema, triageScoringSchema]);
export type Scoring = z.output<typeof scoringSchema>;

/** What may be done with the instrument's text. */
export const licenceSchema = z.discriminatedUnion('kind', [
  /** Free to reproduce, with the copyright notice shown beside it. */
  z.strictObject({ kind: z.literal('free-to-reproduce'), notice: z.string().trim().min(10).max(1000) }),
  z.strictObject({ kind: z.literal('public-domain'), notice: z.string().trim().min(10).max(1000) }),
  /** Item text is not shipped: the host supplies it under its own licence. */
  z.strictObject({ kind: z.literal('licensed'), notice: z.string().trim().min(10).max(1000) }),
]);
export type Licence = z.infer<typeof licenceSchema>;

/** The journey event a scored response feeds. */
export const journeyFeedSchema = z.discriminatedUnion('event', [
  z.strictObject({
    event: z.literal('assessment.recorded'),
    instrument: z.enum(INSTRUMENTS),
    /** The item whose answer is the journey's `item9` (PHQ-9). */
    item9: linkId.optional(),
  }),
  z.strictObject({ event: z.literal('monitoring.sedationRecorded') }),
  z.strictObject({ event: z.literal('monitoring.dissociationRecorded'), form: z.enum(['CADSS', 'CADSS-6']) }),
]);
export type JourneyFeed = z.infer<typeof journeyFeedSchema>;

/**
 * The zod schema of an instrument definition. Use {@link defineInstrument} to make one: it
 * validates and freezes the definition.
 */
export const instrumentDefinitionSchema = z
  .strictObject({
    /** Short, stable id, e.g. `GAD-7`. */
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9/-]{0,29}$/, 'must be 1-30 letters, digits, "-" or "/"'),
    /** The definition's version; recorded with every result (`instrumentVersion`). */
    version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,29}$/, 'must be a version such as 1.0.0'),
    title: label,
    /** Who fills it in: the patient (self-report) or a clinician (rater). */
    administeredBy: z.enum(['patient', 'clinician']),
    /** The period the answers cover, e.g. `last 2 weeks`; null when it rates the moment. */
    recallPeriod: z.string().trim().min(1).max(100).nullable(),
    licence: licenceSchema,
    /** The published source of the items, scoring and bands. */
    citation: z.string().trim().min(10).max(1000),
    /** The stem read before the items; only when the text may be shipped. */
    instructions: z.string().trim().min(1).max(1000).optional(),
    /** LOINC codes of the panel (the whole instrument) and of the total score. */
    loinc: z.strictObject({ panel: loincCode.optional(), total: loincCode.optional() }).default({}),
    /** Canonical URL of the FHIR Questionnaire; defaults to `<canonicalBase>/Questionnaire/<id>`. */
    url: z.url().optional(),
    items: z.array(instrumentItemSchema).min(1).max(200),
    scoring: scoringSchema,
    bands: z.array(bandSchema).max(20).default([]),
    flags: z.array(flagSchema).max(20).default([]),
    /** Items also exported as their own FHIR Observation (PHQ-9 item 9). */
    observedItems: z.array(linkId).max(10).default([]),
    /** The smallest change of the total that patients notice (GAD-7: 4 points). */
    minimalImportantDifference: z.number().int().min(1).optional(),
    /** The journey event a scored response feeds; null for pre-screens (GAD-2, PHQ-2). */
    journey: journeyFeedSchema.nullable().default(null),
  })
  .superRefine((def, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const index = new Map<string, number>();
    def.items.forEach((item, i) => {
      if (index.has(item.linkId)) issue(['items', i, 'linkId'], `linkId "${item.linkId}" is used twice`);
      if (item.linkId === 'instructions') issue(['items', i, 'linkId'], 'linkId "instructions" is reserved for the instructions in FHIR exports');
      index.set(item.linkId, i);
      if (def.licence.kind === 'licensed') {
        if (item.text !== undefined) issue(['items', i, 'text'], 'a licensed instrument ships no item text: the host supplies it');
        item.answers.forEach((a, j) => {
          if (a.display !== undefined) issue(['items', i, 'answers', j, 'display'], 'a licensed instrument ships no answer wording');
        });
      }
      for (const [j, cond] of (item.enableWhen ?? []).entries()) {
        const target = index.get(cond.linkId);
        if (target === undefined || target >= i) {
          issue(['items', i, 'enableWhen', j, 'linkId'], `skip logic must refer to an earlier item, not "${cond.linkId}"`);
          continue;
        }
        const source = def.items[target];
        if (source && (source.type === 'boolean') !== (typeof cond.equals === 'boolean')) {
          issue(['items', i, 'enableWhen', j, 'equals'], `item "${cond.linkId}" is ${source.type}: compare it with a ${source.type === 'boolean' ? 'boolean' : 'number'}`);
        }
        if (source?.type === 'choice' && !source.answers.some((a) => a.value === cond.equals)) {
          issue(['items', i, 'enableWhen', j, 'equals'], `item "${cond.linkId}" offers no such answer value`);
        }
      }
    });
    if (def.licence.kind === 'licensed' && def.instructions !== undefined) issue(['instructions'], 'a licensed instrument ships no instructions text');
    const known = (id: string) => index.has(id);
    const { scoring } = def;
    if (scoring.kind === 'sum') {
      let min = 0;
      let max = 0;
      def.items.forEach((item, i) => {
        if (item.type !== 'choice') issue(['items', i, 'type'], 'a summed instrument has choice items only');
        // A skipped item would leave a hole in the sum: summed instruments have no skip logic.
        if (item.enableWhen !== undefined) issue(['items', i, 'enableWhen'], 'a summed instrument asks every item: skip logic is for triage instruments');
        const values = item.answers.map((a) => a.value);
        min += values.length > 0 ? Math.min(...values) : 0;
        max += values.length > 0 ? Math.max(...values) : 0;
      });
      if (scoring.min !== min || scoring.max !== max) issue(['scoring'], `the items make a total of ${min}-${max}, not ${scoring.min}-${scoring.max}`);
      scoring.subscales.forEach((s, i) => {
        s.items.forEach((id, j) => {
          if (!known(id)) issue(['scoring', 'subscales', i, 'items', j], `subscale "${s.code}" names unknown item "${id}"`);
        });
        if (new Set(s.items).size !== s.items.length) issue(['scoring', 'subscales', i, 'items'], 'a subscale names an item twice');
      });
      if (scoring.prorate && scoring.prorate.maxMissing >= def.items.length) issue(['scoring', 'prorate', 'maxMissing'], 'prorating needs at least one answered item');
    } else {
      scoring.levels.forEach((level, i) => {
        level.anyYes.forEach((id, j) => {
          const item = def.items[index.get(id) ?? -1];
          if (!item) issue(['scoring', 'levels', i, 'anyYes', j], `unknown item "${id}"`);
          else if (item.type !== 'boolean') issue(['scoring', 'levels', i, 'anyYes', j], `item "${id}" is not a yes/no item`);
        });
      });
      if (def.bands.length > 0) issue(['bands'], 'a triage instrument has levels, not bands');
      if (def.loinc.total !== undefined) issue(['loinc', 'total'], 'a triage instrument has no total');
    }
    const range = scoring.kind === 'sum' ? { min: scoring.min, max: scoring.max } : null;
    const sorted = [...def.bands].sort((a, b) => a.min - b.min);
    sorted.forEach((band, i) => {
      const at = def.bands.indexOf(band);
      if (band.min > band.max) issue(['bands', at], `band "${band.code}" runs backwards`);
      if (range && (band.min < range.min || band.max > range.max)) issue(['bands', at], `band "${band.code}" lies outside the total's range ${range.min}-${range.max}`);
      const previous = sorted[i - 1];
      if (previous && band.min <= previous.max) issue(['bands', at], `band "${band.code}" overlaps band "${previous.code}"`);
    });
    def.flags.forEach((flag, i) => {
      if (flag.item !== undefined && !known(flag.item)) issue(['flags', i, 'item'], `unknown item "${flag.item}"`);
      if (flag.item === undefined && scoring.kind !== 'sum') issue(['flags', i], 'a triage instrument has no total to flag');
    });
    def.observedItems.forEach((id, i) => {
      if (!known(id)) issue(['observedItems', i], `unknown item "${id}"`);
    });
    const feed = def.journey;
    if (feed) {
      const needsTotal = feed.event !== 'assessment.recorded' || feed.instrument !== 'C-SSRS';
      if (needsTotal && scoring.kind !== 'sum') issue(['journey'], `${feed.event} takes a total: the scoring must be a sum`);
      if (!needsTotal && scoring.kind !== 'triage') issue(['journey'], 'a C-SSRS result is a risk level: the scoring must be triage');
      if (feed.event === 'assessment.recorded' && (feed.instrument === 'PHQ-9') !== (feed.item9 !== undefined)) {
        issue(['journey', 'item9'], 'item9 names the PHQ-9 item 9, and only for the PHQ-9');
      }
      if (feed.event === 'assessment.recorded' && feed.item9 !== undefined && !known(feed.item9)) issue(['journey', 'item9'], `unknown item "${feed.item9}"`);
    }
  });

/** A validated instrument definition. */
export type InstrumentDefinition = z.output<typeof instrumentDefinitionSchema>;
/** What {@link defineInstrument} accepts (defaults filled in). */
export type InstrumentDefinitionInput = z.input<typeof instrumentDefinitionSchema>;
