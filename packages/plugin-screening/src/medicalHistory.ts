import { CONTRAINDICATIONS, MEDICATION_CLASSES, type Contraindication, type KetamineEventPayload, type MedicationClass } from '@carejourney/core';
import { z } from 'zod';
import { fieldIssues, refusal } from './fieldIssues.js';

const answer = z.boolean({ error: 'answer every item of the checklist: true when the condition is present, false when not' });

/**
 * A patient's medical-history answers as the journey needs them: every item of the
 * contraindication checklist answered (true when present), and the current co-medication classes.
 *
 * @example
 * ```ts
 * const conditions = Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, c === 'glaucoma']));
 * medicalHistorySchema.parse({ conditions, medications: ['benzodiazepine'] });
 * ```
 */
export const medicalHistorySchema = z.strictObject({
  conditions: z.strictObject(Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, answer])) as { [K in Contraindication]: typeof answer }),
  medications: z
    .array(z.enum(MEDICATION_CLASSES))
    .max(MEDICATION_CLASSES.length)
    .refine((a) => new Set(a).size === a.length, { message: 'must not repeat a medication class' }),
  /** A short clinical note; not for names or other identifying data. */
  note: z.string().trim().min(1).max(500).optional(),
});
/**
 * Medical-history answers: the contraindication checklist (every condition answered, true when
 * present), the co-medication classes, and an optional short clinical note (no names).
 *
 * @example
 * ```ts
 * const history: MedicalHistory = {
 *   conditions: Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false])) as MedicalHistory['conditions'],
 *   medications: [],
 * };
 * await screening.recordMedicalHistory(journeyId, history, { actor: nurse });
 * ```
 *
 * @useDeclaredType
 */
export type MedicalHistory = z.output<typeof medicalHistorySchema>;

/**
 * The two screening events medical-history answers become, ready to send.
 *
 * @example
 * ```ts
 * const records: ScreeningRecords = screeningRecords(history);
 * records.contraindications.type; // 'screening.contraindicationsRecorded'
 * records.medications.classes; // e.g. ['benzodiazepine']
 * ```
 */
export interface ScreeningRecords {
  readonly contraindications: { readonly type: 'screening.contraindicationsRecorded' } & KetamineEventPayload<'screening.contraindicationsRecorded'>;
  readonly medications: { readonly type: 'screening.medicationsReviewed' } & KetamineEventPayload<'screening.medicationsReviewed'>;
}

/**
 * Turns medical-history answers into the journey's contraindication checklist and co-medication
 * review (`screening.contraindicationsRecorded`, `screening.medicationsReviewed`). An unanswered
 * or unknown item throws `CJ_ERR_INVALID_INPUT` naming it. The journey's policy has staff (nurse
 * or physician) record both: send them as the clinician who reviewed the answers.
 *
 * @example
 * ```ts
 * const { contraindications, medications } = screeningRecords({ conditions, medications: ['benzodiazepine'] });
 * await engine.send(id, contraindications, { actor: nurse });
 * await engine.send(id, medications, { actor: nurse });
 * ```
 */
export function screeningRecords(history: unknown): ScreeningRecords {
  const parsed = medicalHistorySchema.safeParse(history);
  if (!parsed.success) throw refusal('CJ_ERR_INVALID_INPUT', 'The medical history is invalid:', fieldIssues(parsed.error, 'history'));
  const { conditions, medications, note } = parsed.data;
  return {
    contraindications: { type: 'screening.contraindicationsRecorded', answers: { ...conditions }, ...(note === undefined ? {} : { note }) },
    medications: { type: 'screening.medicationsReviewed', classes: [...medications] as MedicationClass[] },
  };
}
