import { CareJourneyError, CONTRAINDICATIONS, defaultKetamineProtocol, ketamineJourneyEvents, ketamineProtocolSchema, type Contraindication } from '@carejourney/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDICATION_CONCERNS, proposeEligibility, screeningRecords } from '../src/index.js';

const none = (): Record<Contraindication, boolean> => Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false])) as Record<Contraindication, boolean>;
const classes = defaultKetamineProtocol().contraindicationClasses;

describe('medical history into the journey checklist', () => {
  it('makes the two screening events the journey validates', () => {
    const { contraindications, medications } = screeningRecords({ conditions: { ...none(), glaucoma: true }, medications: ['benzodiazepine', 'stimulant'] });
    const { type: t1, ...c } = contraindications;
    const { type: t2, ...m } = medications;
    expect(t1).toBe('screening.contraindicationsRecorded');
    expect(t2).toBe('screening.medicationsReviewed');
    expect(ketamineJourneyEvents['screening.contraindicationsRecorded'].parse(c)).toEqual({ answers: { ...none(), glaucoma: true } });
    expect(ketamineJourneyEvents['screening.medicationsReviewed'].parse(m)).toEqual({ classes: ['benzodiazepine', 'stimulant'] });
  });

  it('refuses an unanswered checklist item or an unknown class, naming it', () => {
    const { pregnancy: _p, ...missing } = none();
    const paths = (history: unknown) => {
      try {
        screeningRecords(history);
      } catch (error) {
        expect((error as CareJourneyError).code).toBe('CJ_ERR_INVALID_INPUT');
        return ((error as CareJourneyError).details.issues ?? []).map((i) => i.path);
      }
      throw new Error('accepted');
    };
    expect(paths({ conditions: missing, medications: [] })).toEqual(['history.conditions.pregnancy']);
    expect(paths({ conditions: none(), medications: ['ketamine'] })).toEqual(['history.medications[0]']);
    expect(paths({ conditions: none(), medications: ['opioid', 'opioid'] })).toEqual(['history.medications']);
    expect(paths({ conditions: { ...none(), tattoos: true }, medications: [] })).toEqual(['history.conditions']);
  });
});

describe('eligibility proposal', () => {
  it('proposes eligible pending a physician when nothing is found', () => {
    const p = proposeEligibility({ present: [], medications: ['antidepressant'], classes });
    expect(p.outcome).toBe('eligible-pending-review');
    expect(p.reasons).toHaveLength(1);
  });

  it('proposes ineligible for an absolute or excluding contraindication, with reasons first for those', () => {
    const p = proposeEligibility({ present: ['glaucoma', 'aneurysmal-vascular-disease', 'pregnancy'], medications: [], classes });
    expect(p.outcome).toBe('ineligible');
    expect(p.reasons[0]).toMatch(/^aneurysmal-vascular-disease: an absolute contraindication/);
    expect(p.reasons[1]).toMatch(/^pregnancy: an excluding contraindication/);
    expect(p.reasons[2]).toMatch(/^glaucoma: a relative contraindication/);
  });

  it("uses the clinic's classes: psychosis history is a review by default, ineligible where the clinic makes it absolute", () => {
    expect(proposeEligibility({ present: ['psychosis-history'], medications: [], classes }).outcome).toBe('physician-review');
    const strict = ketamineProtocolSchema.parse({ timeZone: 'UTC', acceptUnconfirmedDefaults: true, contraindicationClasses: { 'psychosis-history': 'absolute' } }).contraindicationClasses;
    expect(proposeEligibility({ present: ['psychosis-history'], medications: [], classes: strict }).outcome).toBe('ineligible');
  });

  it('flags co-medications by class: sedation for benzodiazepines, opioids and other CNS depressants; blood pressure for stimulants and MAOIs', () => {
    const p = proposeEligibility({ present: [], medications: ['benzodiazepine', 'opioid', 'other-cns-depressant', 'stimulant', 'maoi', 'antipsychotic'], classes });
    expect(p.outcome).toBe('physician-review');
    expect(p.medications).toEqual([
      { class: 'benzodiazepine', concern: 'sedation' },
      { class: 'opioid', concern: 'sedation' },
      { class: 'other-cns-depressant', concern: 'sedation' },
      { class: 'stimulant', concern: 'blood-pressure' },
      { class: 'maoi', concern: 'blood-pressure' },
    ]);
    expect(DEFAULT_MEDICATION_CONCERNS.antidepressant).toBeNull();
    // A clinic may flag more, or less.
    expect(proposeEligibility({ present: [], medications: ['antipsychotic'], classes, medicationConcerns: { antipsychotic: 'sedation' } }).outcome).toBe('physician-review');
    expect(proposeEligibility({ present: [], medications: ['maoi'], classes, medicationConcerns: { maoi: null } }).outcome).toBe('eligible-pending-review');
  });

  it('refers baseline suicidality signals to a physician', () => {
    expect(proposeEligibility({ present: [], medications: [], classes, phq9Item9: 1 }).suicidality).toEqual(['PHQ-9 item 9 above 0 at baseline']);
    expect(proposeEligibility({ present: [], medications: [], classes, cssrsRisk: 'moderate' }).outcome).toBe('physician-review');
    expect(proposeEligibility({ present: [], medications: [], classes, phq9Item9: 0, cssrsRisk: 'low' }).outcome).toBe('eligible-pending-review');
  });

  it('keeps to the 10 reasons the journey records, each within its length', () => {
    const p = proposeEligibility({ present: [...CONTRAINDICATIONS], medications: ['benzodiazepine'], classes });
    expect(p.reasons).toHaveLength(10);
    expect(p.reasons[9]).toMatch(/^and 10 more finding/);
    const event = ketamineJourneyEvents['eligibility.decided'].safeParse({ outcome: 'physician-review', reasons: p.reasons });
    expect(event.success).toBe(true);
  });
});
