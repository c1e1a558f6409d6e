// A valid payload for every event type a host may send (used to check refusals and the catalogue).
import type { KetamineEventPayload, KetamineEventType } from '../../src/index.js';
import { noContraindications } from './harness.js';

type Samples = { [K in KetamineEventType]: Omit<KetamineEventPayload<K>, never> };

export const eventSamples: Samples = {
  'referral.accepted': {},
  'referral.declined': { reason: 'Outside catchment' },
  'consultation.recorded': { kind: 'initial', mode: 'video' },
  'assessment.recorded': { instrument: 'GAD-7', total: 12 },
  'screening.contraindicationsRecorded': { answers: noContraindications() },
  'screening.vitalsRecorded': { systolic: 120, diastolic: 80, heartRate: 70 },
  'screening.medicationsReviewed': { classes: [] },
  'screening.selfReferralReviewed': { method: 'second-consultation' },
  'eligibility.decided': { outcome: 'eligible', reasons: [] },
  'consent.recorded': { formVersion: 'v1' },
  'rems.enrolled': { enrolmentRef: 'REMS-1' },
  'plan.recorded': { route: 'iv', weightKg: 70, dosePlan: { summary: '0.5 mg/kg over 40 min', steps: [{ fromSession: 1, amount: 0.5, unit: 'mg/kg' }] } },
  'induction.started': { firstSessionAt: '2026-03-09T09:00:00Z' },
  'session.rescheduled': { sessionNumber: 1, to: '2026-03-10T09:00:00Z', reason: 'Patient request' },
  'session.cancelled': { reason: 'Patient unwell' },
  'session.missedReviewed': { worsening: false, decision: 'keep-schedule' },
  'session.checkedIn': {},
  'predose.fastingConfirmed': { lastFoodAt: '2026-03-09T04:00:00Z', lastLiquidAt: '2026-03-09T07:00:00Z' },
  'predose.transportConfirmed': { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' },
  'predose.trustedAdultConfirmed': { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true },
  'predose.vitalsRecorded': { systolic: 120, diastolic: 80, heartRate: 70 },
  'predose.bpOverridden': { reason: 'Weighed risk and benefit' },
  'predose.contraindicationsChecked': { newFindings: [] },
  'predose.findingCleared': { reason: 'No interaction' },
  'predose.medicationsConfirmed': { classes: [], changedSinceLastSession: false },
  'predose.doseDeviationApproved': { amountMg: 30, reason: 'Lower dose after nausea last session' },
  'dose.recorded': { medication: 'racemic-ketamine', amountMg: 35, lot: 'L-1', administration: 'staff-administered' },
  'monitoring.vitalsRecorded': { systolic: 130, diastolic: 84, heartRate: 80, spo2: 97 },
  'monitoring.sedationRecorded': { moaas: 5 },
  'monitoring.dissociationRecorded': { score: 6, form: 'CADSS-6' },
  'monitoring.adverseEventRecorded': { term: 'nausea', severity: 'mild', serious: false },
  'session.discharged': { releasedTo: 'responsible-adult', alertAndOriented: true, noDrivingAdviceGiven: true },
  'session.aborted': { reason: 'Patient request' },
  'monitoring.bpCheckMissed': { reason: 'Nurse called to an emergency; the reading at 58 min was normal' },
  'session.escalated': { destination: 'emergency-department', reference: 'ED-20931', reason: 'Persistent hypertension' },
  'response.decided': { decision: 'maintenance', reason: 'Partial response', everyDays: 28 },
  'maintenance.cadenceChanged': { everyDays: 21, reason: 'Response holds' },
  'checkIn.recorded': { mode: 'video' },
  'maintenance.ended': { reason: 'Response held' },
  'safety.signalReported': { signal: 'pregnancy' },
  'hold.reviewed': { decision: 'resume', reason: 'Reviewed' },
  'treatment.discontinued': { reason: 'Physician decision' },
  'journey.withdrawn': {},
  'therapy.linked': { therapistRef: 'th-1', modality: 'cbt' },
  'therapy.sessionAttended': { attendedAt: '2026-03-01T17:00:00Z' },
  'therapy.ended': { reason: 'Goals met' },
  'rems.formSubmitted': { sessionNumber: 1, submissionRef: 'F-1' },
};

/** A role the policy allows for each event. */
export function roleFor(type: KetamineEventType): 'coordinator' | 'nurse' | 'physician' | 'therapist' | 'patient' {
  if (['therapy.sessionAttended', 'therapy.ended'].includes(type)) return 'therapist';
  if (['referral.accepted', 'referral.declined', 'induction.started', 'rems.enrolled', 'therapy.linked', 'session.rescheduled', 'session.checkedIn', 'journey.withdrawn'].includes(type)) return 'coordinator';
  if (['predose.transportConfirmed'].includes(type)) return 'nurse';
  return ['consultation.recorded', 'assessment.recorded', 'screening.contraindicationsRecorded', 'screening.vitalsRecorded', 'predose.fastingConfirmed', 'predose.trustedAdultConfirmed', 'predose.vitalsRecorded', 'predose.contraindicationsChecked', 'dose.recorded', 'monitoring.vitalsRecorded', 'monitoring.sedationRecorded', 'monitoring.dissociationRecorded', 'monitoring.adverseEventRecorded', 'session.discharged', 'session.aborted', 'session.escalated', 'predose.medicationsConfirmed', 'checkIn.recorded', 'safety.signalReported', 'rems.formSubmitted', 'session.cancelled', 'screening.medicationsReviewed', 'screening.selfReferralReviewed'].includes(type)
    ? 'nurse'
    : 'physician';
}
