import type { Contraindication, ContraindicationClass, CssrsRisk, KetamineJourneyContext, MedicationClass } from '@carejourney/core';
import { DEFAULT_MEDICATION_CONCERNS, type MedicationConcern } from './medicationConcerns.js';

/**
 * What screening suggests to the physician who decides. `eligible-pending-review`: nothing found
 * that rules the patient out or needs review, and a physician still decides; `physician-review`:
 * relative contraindications, flagged co-medications or a suicidality signal need a physician's
 * review; `ineligible`: a contraindication the clinic classes as absolute or excluding is present.
 *
 * @example
 * ```ts
 * const outcome: ProposalOutcome | undefined = (await screening.proposal(journeyId))?.outcome;
 * if (outcome === 'ineligible') console.log('a physician should review the excluding findings');
 * ```
 */
export type ProposalOutcome = 'eligible-pending-review' | 'physician-review' | 'ineligible';

/**
 * What screening proposes to the physician who decides eligibility: the outcome, the reasons in a
 * clinician's words, and the findings they come from. Never a decision.
 *
 * @example
 * ```ts
 * const proposal: EligibilityProposal | null = proposalFromContext(view.context);
 * proposal?.reasons.forEach((reason) => console.log(reason));
 * ```
 */
export interface EligibilityProposal {
  readonly outcome: ProposalOutcome;
  /** Why, in a clinician's words: one line per finding (at most 10, as the journey records). */
  readonly reasons: readonly string[];
  /** The contraindications present, with the class the clinic's protocol gives each. */
  readonly contraindications: readonly { readonly condition: Contraindication; readonly class: ContraindicationClass }[];
  /** Co-medications flagged for review, with the concern. */
  readonly medications: readonly { readonly class: MedicationClass; readonly concern: MedicationConcern }[];
  /** Baseline suicidality signals: PHQ-9 item 9 above 0, a C-SSRS risk of moderate or high. */
  readonly suicidality: readonly string[];
}

/**
 * What {@link proposeEligibility} judges: the contraindications present, the co-medications, the
 * clinic's contraindication classes, and the baseline suicidality results.
 *
 * @example
 * ```ts
 * const input: ProposalInput = {
 *   present: ['glaucoma'],
 *   medications: ['benzodiazepine'],
 *   classes: view.context.protocol.contraindicationClasses,
 *   phq9Item9: 0,
 * };
 * proposeEligibility(input).outcome; // 'physician-review' with the default classes
 * ```
 */
export interface ProposalInput {
  /** Contraindications present (from the checklist). */
  readonly present: readonly Contraindication[];
  /** Current co-medication classes. */
  readonly medications: readonly MedicationClass[];
  /** The clinic's class for each contraindication (`protocol.contraindicationClasses`). */
  readonly classes: Readonly<Record<Contraindication, ContraindicationClass>>;
  /** Flags by co-medication class (defaults: {@link DEFAULT_MEDICATION_CONCERNS}). */
  readonly medicationConcerns?: Readonly<Partial<Record<MedicationClass, MedicationConcern | null>>>;
  /** Latest baseline PHQ-9 item 9, if recorded. */
  readonly phq9Item9?: number | null;
  /** Latest baseline C-SSRS screener risk, if recorded. */
  readonly cssrsRisk?: CssrsRisk | null;
}

const CLASS_WORDS: Record<ContraindicationClass, string> = {
  absolute: 'an absolute contraindication',
  exclude: 'an excluding contraindication',
  'physician-review': 'a relative contraindication that needs a physician review',
};

/**
 * Derives an eligibility proposal from the contraindication checklist and the co-medications,
 * using the clinic's contraindication classes. It proposes; only a physician decides eligible or
 * ineligible (the plugin never sends either decision).
 *
 * @example
 * ```ts
 * proposeEligibility({ present: ['glaucoma'], medications: ['benzodiazepine'], classes: protocol.contraindicationClasses });
 * // { outcome: 'physician-review', reasons: ['glaucoma: a relative contraindication ...', 'benzodiazepine: ... (sedation)'], ... }
 * ```
 */
export function proposeEligibility(input: ProposalInput): EligibilityProposal {
  const concerns = { ...DEFAULT_MEDICATION_CONCERNS, ...input.medicationConcerns };
  const contraindications = input.present.map((condition) => ({ condition, class: input.classes[condition] }));
  const medications = input.medications.flatMap((c) => {
    const concern = concerns[c];
    return concern ? [{ class: c, concern }] : [];
  });
  const suicidality: string[] = [];
  if (typeof input.phq9Item9 === 'number' && input.phq9Item9 > 0) suicidality.push('PHQ-9 item 9 above 0 at baseline');
  if (input.cssrsRisk === 'moderate' || input.cssrsRisk === 'high') suicidality.push(`C-SSRS screener risk ${input.cssrsRisk} at baseline`);

  const excluding = contraindications.filter((c) => c.class !== 'physician-review');
  const reasons: string[] = [
    // Excluding findings first: the decision turns on them.
    ...excluding.map((c) => `${c.condition}: ${CLASS_WORDS[c.class]} under the clinic's protocol`),
    ...contraindications.filter((c) => c.class === 'physician-review').map((c) => `${c.condition}: ${CLASS_WORDS[c.class]}`),
    ...medications.map((m) => `${m.class}: co-medication to review (${m.concern === 'sedation' ? 'adds to sedation' : 'raises blood pressure'})`),
    ...suicidality.map((s) => `${s}: needs a physician's review`),
  ];
  const outcome: ProposalOutcome = excluding.length > 0 ? 'ineligible' : reasons.length > 0 ? 'physician-review' : 'eligible-pending-review';
  if (outcome === 'eligible-pending-review') reasons.push('No contraindication, flagged co-medication or suicidality signal found; a physician decides eligibility');
  return { outcome, reasons: capReasons(reasons), contraindications, medications, suicidality };
}

/** The journey records at most 10 reasons: the tenth says how many more there are. */
function capReasons(reasons: string[]): string[] {
  if (reasons.length <= 10) return reasons;
  return [...reasons.slice(0, 9), `and ${reasons.length - 9} more finding(s): see the screening record`];
}

/**
 * The proposal for a journey now, from its recorded checklist, co-medication review and baseline
 * suicidality results; null until both the checklist and the co-medication review are recorded.
 *
 * @example
 * ```ts
 * const proposal = proposalFromContext((await engine.get(id)).context);
 * ```
 */
export function proposalFromContext(
  context: KetamineJourneyContext,
  medicationConcerns?: Readonly<Partial<Record<MedicationClass, MedicationConcern | null>>>,
): EligibilityProposal | null {
  const { contraindications, medications } = context.intake;
  if (!contraindications || !medications) return null;
  const latestBaseline = (instrument: string) =>
    context.assessments.filter((a) => a.instrument === instrument && a.phase === 'baseline').reduce<(typeof context.assessments)[number] | null>(
      (latest, a) => (latest === null || Date.parse(a.at) >= Date.parse(latest.at) ? a : latest),
      null,
    );
  return proposeEligibility({
    present: contraindications.present,
    medications: medications.classes,
    classes: context.protocol.contraindicationClasses,
    ...(medicationConcerns === undefined ? {} : { medicationConcerns }),
    phq9Item9: latestBaseline('PHQ-9')?.item9 ?? null,
    cssrsRisk: latestBaseline('C-SSRS')?.risk ?? null,
  });
}
