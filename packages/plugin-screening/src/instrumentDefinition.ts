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

/**
 * Schema of an {@link AnswerOption}: one answer an item offers, its score and, for coded
 * instruments, the LOINC answer code.
 *
 * @example
 * ```ts
 * answerOptionSchema.parse({ value: 0, display: 'Not at all', loinc: 'LA6568-5' });
 * ```
 */
export const answerOptionSchema = z.strictObject({
  /** The ordinal value the option scores. */
  value: z.number().int().min(0).max(100),
  /** The option's wording; left out for licensed instruments. */
  display: label.optional(),
  /** The LOINC answer code of the option (from the LOINC answer list of the item). */
  loinc: loincAnswerCode.optional(),
});
/**
 * One answer an item offers: the value it scores, its wording (left out for licensed
 * instruments) and its LOINC answer code.
 *
 * @example
 * ```ts
 * const notAtAll: AnswerOption = { value: 0, display: 'Not at all', loinc: 'LA6568-5' };
 * ```
 *
 * @useDeclaredType
 */
export type AnswerOption = z.infer<typeof answerOptionSchema>;

/**
 * Schema of an {@link EnableWhen} condition: skip logic, the item is asked only when an earlier
 * item has this answer.
 *
 * @example
 * ```ts
 * enableWhenSchema.parse({ linkId: '2', equals: true });
 * ```
 */
export const enableWhenSchema = z.strictObject({
  linkId,
  equals: z.union([z.number().int(), z.boolean()]),
});
/**
 * Skip logic of an item: asked only when the earlier item `linkId` was answered with `equals` (a
 * value for choice items, yes or no for boolean ones).
 *
 * @example
 * ```ts
 * // C-SSRS questions 3-5 are asked only after a yes to question 2:
 * const afterYesTo2: EnableWhen = { linkId: '2', equals: true };
 * ```
 *
 * @useDeclaredType
 */
export type EnableWhen = z.infer<typeof enableWhenSchema>;

/**
 * Schema of an {@link InstrumentItem}: a choice item needs at least two answers with distinct
 * values; a boolean (yes/no) item takes none.
 *
 * @example
 * ```ts
 * instrumentItemSchema.safeParse({ linkId: '1', type: 'choice', answers: [{ value: 0 }] }).success; // false: one answer
 * ```
 */
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
/**
 * One item of an instrument: its linkId, optional printed number, text and LOINC code, its type
 * (a choice of `answers`, or yes/no) and its skip logic.
 *
 * @example
 * ```ts
 * const item: InstrumentItem = GAD7.items[0]!;
 * item.linkId; // '1'
 * item.answers.map((a) => a.value); // [0, 1, 2, 3]
 * ```
 *
 * @useDeclaredType
 */
export type InstrumentItem = z.output<typeof instrumentItemSchema>;

/**
 * Schema of a {@link Band}: a severity band of the total, e.g. GAD-7 10-14 `moderate`.
 *
 * @example
 * ```ts
 * bandSchema.parse({ code: 'moderate', label: 'Moderate anxiety', min: 10, max: 14 });
 * ```
 */
export const bandSchema = z.strictObject({ code, label, min: z.number().int().min(0), max: z.number().int().min(0) });
/**
 * A severity band of the total, inclusive at both ends. Bands of one instrument do not overlap and
 * lie inside the total's range.
 *
 * @example
 * ```ts
 * const moderate: Band = { code: 'moderate', label: 'Moderate anxiety', min: 10, max: 14 };
 * GAD7.bands.find((b) => 12 >= b.min && 12 <= b.max)?.code; // 'moderate'
 * ```
 *
 * @useDeclaredType
 */
export type Band = z.infer<typeof bandSchema>;

/**
 * A signal raised by a total (or one item's answer) at or above `atLeast` / at or below `atMost`,
 * e.g. a positive GAD-7 screen at 10 or PHQ-9 item 9 above 0.
 *
 * @example
 * ```ts
 * flagSchema.parse({ code: 'positive-screen', label: 'Positive screen (10 or more)', atLeast: 10 });
 * ```
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
/**
 * A signal a response raises: the total (or the answer to `item`) at or above `atLeast`, or at or
 * below `atMost`.
 *
 * @example
 * ```ts
 * const item9: Flag = { code: 'item9-positive', label: 'Thoughts of death or self-harm (item 9 above 0)', item: '9', atLeast: 1 };
 * ```
 *
 * @useDeclaredType
 */
export type Flag = z.infer<typeof flagSchema>;

/**
 * Schema of a {@link Subscale}: a code of at most 20 characters, a label and the items it sums.
 *
 * @example
 * ```ts
 * subscaleSchema.parse({ code: 'psychic', label: 'Psychic anxiety', items: ['1', '2', '3', '4', '5', '6', '14'] });
 * ```
 */
export const subscaleSchema = z.strictObject({
  /** Short: it ends the FHIR id of the subscale's Observation. */
  code: code.max(20),
  label,
  items: z.array(linkId).min(1).max(200),
});
/**
 * A subtotal over some items of a summed instrument, e.g. HAM-A psychic and somatic anxiety;
 * scored as `score.subscales[code]`.
 *
 * @example
 * ```ts
 * const obsessions: Subscale = { code: 'obsessions', label: 'Obsessions subtotal (items 1-5)', items: ['1', '2', '3', '4', '5'] };
 * ```
 *
 * @useDeclaredType
 */
export type Subscale = z.infer<typeof subscaleSchema>;

/** A total that is the sum of the item values. */
const sumScoringSchema = z.strictObject({
  kind: z.literal('sum'),
  min: z.number().int().min(0),
  max: z.number().int().min(1),
  subscales: z.array(subscaleSchema).max(10).default([]),
  /**
   * Mean imputation of up to `maxMissing` unanswered items (total = sum x items / answered,
   * rounded as `rounding` says: `nearest`, halves up, by default). Only where the instrument's
   * authors define it, and only when every item scores the same range (the mean of one item says
   * nothing about another with a different range); without it an incomplete response is refused.
   */
  prorate: z
    .strictObject({
      maxMissing: z.number().int().min(1).max(10),
      rounding: z.enum(['nearest', 'up', 'down']).default('nearest'),
    })
    .optional(),
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

/**
 * Schema of a {@link Scoring} rule: `sum` (a total of the item values, with optional subscales
 * and prorating) or `triage` (a risk level from yes answers).
 *
 * @example
 * ```ts
 * scoringSchema.parse({ kind: 'sum', min: 0, max: 21 });
 * ```
 */
export const scoringSchema = z.discriminatedUnion('kind', [sumScoringSchema, triageScoringSchema]);
/**
 * How an instrument is scored. `sum`: the total of the item values between `min` and `max`, with
 * subscales, and mean imputation of up to `prorate.maxMissing` unanswered items where the
 * instrument's authors define it (every item scoring the same range; rounded by `prorate.rounding`). `triage`: the first level whose `anyYes` items have a yes
 * (the C-SSRS screener); `none` when no level applies.
 *
 * @example
 * ```ts
 * const sum: Scoring = { kind: 'sum', min: 0, max: 21, subscales: [] };
 * const triage: Scoring = { kind: 'triage', levels: [{ level: 'high', anyYes: ['4', '5'] }, { level: 'low', anyYes: ['1', '2'] }] };
 * ```
 *
 * @useDeclaredType
 */
export type Scoring = z.output<typeof scoringSchema>;

/**
 * Schema of a {@link Licence}: what may be done with the instrument's text.
 *
 * @example
 * ```ts
 * licenceSchema.parse({ kind: 'public-domain', notice: 'Written by the clinic; no restrictions.' });
 * ```
 */
export const licenceSchema = z.discriminatedUnion('kind', [
  /** Free to reproduce, with the copyright notice shown beside it. */
  z.strictObject({ kind: z.literal('free-to-reproduce'), notice: z.string().trim().min(10).max(1000) }),
  z.strictObject({ kind: z.literal('public-domain'), notice: z.string().trim().min(10).max(1000) }),
  /** Item text is not shipped: the host supplies it under its own licence. */
  z.strictObject({ kind: z.literal('licensed'), notice: z.string().trim().min(10).max(1000) }),
]);
/**
 * What may be done with an instrument's text: `free-to-reproduce` and `public-domain`
 * instruments ship their wording; `licensed` ones are scored by item id only and the host supplies
 * the text under its own licence. The `notice` is shown beside the instrument.
 *
 * @example
 * ```ts
 * const licence: Licence = { kind: 'licensed', notice: 'Item text is not included: use the wording your licence permits.' };
 * ```
 *
 * @useDeclaredType
 */
export type Licence = z.infer<typeof licenceSchema>;

/**
 * Schema of a {@link JourneyFeed}: the journey event a scored response feeds.
 *
 * @example
 * ```ts
 * journeyFeedSchema.parse({ event: 'assessment.recorded', instrument: 'GAD-7' });
 * ```
 */
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
/**
 * The ketamine journey event a scored response feeds: `assessment.recorded` as one of the
 * journey's instruments (with the PHQ-9's item 9), `monitoring.sedationRecorded` (MOAA/S), or
 * `monitoring.dissociationRecorded` with its form (CADSS, CADSS-6).
 *
 * @example
 * ```ts
 * const feed: JourneyFeed = { event: 'assessment.recorded', instrument: 'PHQ-9', item9: '9' };
 * PHQ9.journey; // the same
 * ```
 *
 * @useDeclaredType
 */
export type JourneyFeed = z.infer<typeof journeyFeedSchema>;

/**
 * The zod schema of an instrument definition. Use {@link defineInstrument} to make one: it
 * validates and freezes the definition.
 *
 * @example
 * ```ts
 * const result = instrumentDefinitionSchema.safeParse(candidate);
 * if (!result.success) console.log(result.error.issues.map((i) => i.path.join('.')));
 * ```
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
      // Mean imputation keeps the total within min-max only when every item spans the same range:
      // an item scoring 0-10 imputed onto a missing 0-1 item would push a 0-11 scale to 20.
      const first = def.items[0];
      const rangeOf = (item: InstrumentItem) => {
        const values = item.answers.map((a) => a.value);
        return values.length > 0 ? `${Math.min(...values)}-${Math.max(...values)}` : 'none';
      };
      const other = first && def.items.find((item) => rangeOf(item) !== rangeOf(first));
      if (scoring.prorate && first && other) {
        issue(
          ['scoring', 'prorate'],
          `prorating needs every item to score the same range: item "${other.linkId}" scores ${rangeOf(other)}, item "${first.linkId}" ${rangeOf(first)}; leave prorate out`,
        );
      }
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

/**
 * A validated instrument definition: items, scoring, bands, flags, licence, LOINC codes and the
 * journey event it feeds. Made with {@link defineInstrument}; the shipped ones are {@link GAD7},
 * {@link PHQ9} and the others in {@link SHIPPED_INSTRUMENTS}.
 *
 * @example
 * ```ts
 * const definition: InstrumentDefinition = GAD7;
 * `${definition.id} ${definition.version}: ${definition.items.length} items`; // 'GAD-7 1.0.0: 7 items'
 * ```
 *
 * @useDeclaredType
 */
export type InstrumentDefinition = z.output<typeof instrumentDefinitionSchema>;
/**
 * What {@link defineInstrument} accepts: an {@link InstrumentDefinition} whose defaulted fields
 * (`answers`, `enableBehavior`, `subscales`, `bands`, `flags`, `observedItems`, `loinc`,
 * `journey`) may be left out.
 *
 * @example
 * ```ts
 * const input: InstrumentDefinitionInput = { ...GAD7, id: 'GAD-7-CLINIC', journey: null };
 * const clinicGad7 = defineInstrument(input);
 * ```
 *
 * @useDeclaredType
 */
export type InstrumentDefinitionInput = z.input<typeof instrumentDefinitionSchema>;
