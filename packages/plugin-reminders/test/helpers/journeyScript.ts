// A ketamine journey as a list of steps with fixed times, payloads and idempotency keys. Replaying
// a prefix of it after a crash changes nothing (every send is idempotent), so a process killed
// anywhere can resume from its last acknowledged step.

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const iso = (ms: number): string => new Date(ms).toISOString();

export type ActorName = 'coordinator' | 'nurse' | 'physician' | 'patient' | 'therapist';
export const actors: Record<ActorName, { id: string; role: string }> = {
  coordinator: { id: 'coord-1', role: 'coordinator' },
  nurse: { id: 'nurse-1', role: 'nurse' },
  physician: { id: 'md-1', role: 'physician' },
  patient: { id: 'pt-self', role: 'patient' },
  therapist: { id: 'ther-1', role: 'therapist' },
};

export type Step =
  | { readonly kind: 'start'; readonly at: number; readonly journeyId: string; readonly patientRef: string }
  | {
      readonly kind: 'send';
      readonly at: number;
      readonly journeyId: string;
      readonly type: string;
      readonly payload: Record<string, unknown>;
      readonly actor: ActorName;
      readonly key: string;
    }
  | { readonly kind: 'confirm'; readonly at: number; readonly journeyId: string; readonly rule: string; readonly subject: string; readonly aboutAt: number }
  /** Only moves the clock (and fires what comes due). */
  | { readonly kind: 'tick'; readonly at: number };

export function noContraindications(): Record<string, boolean> {
  return Object.fromEntries(
    [
      'aneurysmal-vascular-disease',
      'arteriovenous-malformation',
      'intracerebral-haemorrhage-history',
      'ketamine-hypersensitivity',
      'pregnancy',
      'breastfeeding',
      'psychosis-history',
      'active-mania',
      'substance-use-disorder',
      'unmanaged-hypertension',
      'heart-disease',
      'raised-intracranial-pressure',
      'intracranial-mass',
      'open-globe-injury',
      'glaucoma',
      'uncontrolled-hyperthyroidism',
      'liver-disease',
      'cystitis-history',
    ].map((c) => [c, false]),
  );
}

/** Builds the steps of one journey; keys are `<journeyId>:<n>`, in order. */
export class JourneyScript {
  readonly steps: Step[] = [];
  #n = 0;

  /** `keyPrefix` keeps the keys of a second script of the same journey apart from the first's. */
  constructor(
    readonly journeyId: string,
    readonly patientRef: string,
    readonly keyPrefix: string = journeyId,
  ) {}

  start(at: number): this {
    this.steps.push({ kind: 'start', at, journeyId: this.journeyId, patientRef: this.patientRef });
    return this;
  }

  send(at: number, type: string, payload: Record<string, unknown>, actor: ActorName): this {
    this.steps.push({ kind: 'send', at, journeyId: this.journeyId, type, payload, actor, key: `${this.keyPrefix}:${++this.#n}` });
    return this;
  }

  tick(at: number): this {
    this.steps.push({ kind: 'tick', at });
    return this;
  }

  /** The patient confirms a reminder (e.g. a ride home) through the host. */
  confirm(at: number, rule: string, subject: string, aboutAt: number): this {
    this.steps.push({ kind: 'confirm', at, journeyId: this.journeyId, rule, subject, aboutAt });
    return this;
  }

  /** Referral to a booked esketamine induction: screening, eligibility, consent, REMS, plan. */
  intake(at: number, firstSessionAt: number, options: { route?: 'esketamine-nasal' | 'iv' | 'sublingual-home'; gad7?: number } = {}): this {
    const route = options.route ?? 'esketamine-nasal';
    this.send(at, 'referral.accepted', {}, 'coordinator')
      .send(at, 'consultation.recorded', { kind: 'initial', mode: 'in-person' }, 'physician')
      .send(at, 'assessment.recorded', { instrument: 'GAD-7', total: options.gad7 ?? 16 }, 'patient')
      .send(at, 'assessment.recorded', { instrument: 'PHQ-9', total: 11, item9: 0 }, 'patient')
      .send(at, 'screening.contraindicationsRecorded', { answers: noContraindications() }, 'nurse')
      .send(at, 'screening.vitalsRecorded', { systolic: 124, diastolic: 80, heartRate: 72, spo2: 98 }, 'nurse')
      .send(at, 'screening.medicationsReviewed', { classes: ['antidepressant'] }, 'physician')
      .send(at, 'eligibility.decided', { outcome: 'eligible', reasons: [] }, 'physician')
      .send(at, 'consent.recorded', { formVersion: 'KET-CONSENT-3' }, 'physician');
    if (route === 'esketamine-nasal') this.send(at, 'rems.enrolled', { enrolmentRef: 'REMS-55120' }, 'coordinator');
    const dosePlan =
      route === 'esketamine-nasal'
        ? { summary: 'Esketamine 56 mg every session', steps: [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }] }
        : route === 'iv'
          ? { summary: 'Racemic ketamine 0.5 mg/kg IV over 40 min', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg', infusionMinutes: 40 }] }
          : { summary: 'Sublingual racemic ketamine as prescribed', steps: [{ fromSession: 1, amount: 100, unit: 'mg' }] };
    this.send(at, 'plan.recorded', { route, dosePlan, ...(route === 'iv' ? { weightKg: 70 } : {}) }, 'physician');
    return this.send(at, 'induction.started', { firstSessionAt: iso(firstSessionAt) }, 'coordinator');
  }

  /**
   * One in-clinic esketamine session due at `dueAt`: check-in 20 min before, pre-dose checks, the
   * dose at the due time, monitoring, discharge after the 2-hour observation. Returns the
   * discharge time.
   */
  esketamineSession(dueAt: number, options: { followUpGad7?: number } = {}): number {
    const arrive = dueAt - 20 * MIN;
    this.send(arrive, 'session.checkedIn', {}, 'coordinator')
      .send(arrive, 'predose.fastingConfirmed', { lastFoodAt: iso(dueAt - 4 * HOUR), lastLiquidAt: iso(dueAt - 90 * MIN) }, 'nurse')
      .send(arrive, 'predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'coordinator')
      .send(arrive, 'predose.vitalsRecorded', { systolic: 126, diastolic: 82, heartRate: 74, spo2: 98 }, 'nurse')
      .send(arrive, 'predose.contraindicationsChecked', { newFindings: [] }, 'nurse')
      .send(arrive, 'predose.medicationsConfirmed', { classes: ['antidepressant'], changedSinceLastSession: false }, 'nurse')
      .send(dueAt, 'dose.recorded', { medication: 'esketamine', amountMg: 56, devices: 2, lot: 'LOT-2291', administration: 'self-administered-supervised' }, 'nurse');
    for (const minute of [10, 25, 40]) this.send(dueAt + minute * MIN, 'monitoring.vitalsRecorded', { systolic: 136, diastolic: 86, heartRate: 84, spo2: 97 }, 'nurse');
    this.send(dueAt + 40 * MIN, 'monitoring.sedationRecorded', { moaas: 4 }, 'nurse').send(dueAt + 40 * MIN, 'monitoring.dissociationRecorded', { score: 8, form: 'CADSS-6' }, 'nurse');
    if (options.followUpGad7 !== undefined) this.send(dueAt + 60 * MIN, 'assessment.recorded', { instrument: 'GAD-7', total: options.followUpGad7 }, 'patient');
    const discharge = dueAt + 120 * MIN;
    this.send(discharge, 'monitoring.vitalsRecorded', { systolic: 128, diastolic: 80, heartRate: 76, spo2: 98 }, 'nurse')
      .send(discharge, 'monitoring.sedationRecorded', { moaas: 5 }, 'nurse')
      .send(discharge, 'session.discharged', { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true }, 'nurse');
    return discharge;
  }

  /** Submits the REMS monitoring form of a session. */
  remsForm(at: number, sessionNumber: number): this {
    return this.send(at, 'rems.formSubmitted', { sessionNumber, submissionRef: `REMS-F-${sessionNumber}` }, 'nurse');
  }
}

/** Every journey's steps merged in time order (stable within one journey). */
export function mergeScripts(scripts: readonly JourneyScript[]): Step[] {
  return scripts
    .flatMap((s, journey) => s.steps.map((step, index) => ({ step, journey, index })))
    .sort((a, b) => a.step.at - b.step.at || a.journey - b.journey || a.index - b.index)
    .map((x) => x.step);
}
