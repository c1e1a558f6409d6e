// What the report's timeline shows of an event's payload: the readings, doses, decisions and
// reasons a reviewer needs, read from a fixed list of fields. Anything not listed stays out: notes,
// questionnaire answers, and references into other systems (the ED's case reference, the host's
// response or enrolment ids, the therapist's ref), which could identify a patient elsewhere. The
// journey's reasons are clinicians' justifications, which the host keeps free of PHI (events.ts).
import { localParts } from '@carejourney/core';
import { summarizeEvent } from './timeline.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null);

/**
 * The facts of one journal entry as short phrases: first the numbers `summarizeEvent` prints in
 * the text timeline (a reading, a dose, a decision), then the vitals beside a blood pressure, the
 * dose's details, who the patient is released to, the next session, and the reason given.
 *
 * @example
 * ```ts
 * eventFacts('predose.bpOverridden', { reason: 'White-coat pattern' }, 'Europe/London'); // ['reason: White-coat pattern']
 * eventFacts('monitoring.vitalsRecorded', { systolic: 184, diastolic: 112, heartRate: 104, spo2: 96 }, 'Europe/London');
 * // ['184/112', 'HR 104', 'SpO2 96%']
 * ```
 */
export function eventFacts(type: string, p: Readonly<Record<string, unknown>>, timeZone: string): string[] {
  const local = (v: unknown) => {
    const iso = str(v);
    if (iso === null) return null;
    const { date, time } = localParts(Date.parse(iso), timeZone);
    return `${date} ${time}`;
  };
  const facts: string[] = [];
  const add = (fact: string | null | false) => {
    if (fact) facts.push(fact);
  };
  add(summarizeEvent(type, p, timeZone) || null);
  const time = (v: unknown) => local(v)?.slice(11) ?? null;
  switch (type) {
    case 'journey.start': {
      // The referral only: the start entry also holds the patient's ref and the referrer's.
      const referral = (p['input'] as { referral?: Record<string, unknown> } | undefined)?.referral ?? {};
      add(str(referral['source']) && `referral: ${str(referral['source'])}`);
      add(str(referral['indication']));
      break;
    }
    case 'predose.fastingConfirmed':
      add(time(p['lastFoodAt']) && `last food ${time(p['lastFoodAt'])}`);
      add(time(p['lastLiquidAt']) && `last liquid ${time(p['lastLiquidAt'])}`);
      break;
    case 'monitoring.bpCheckDue':
      add(str(p['minute']) && `${str(p['minute'])} min after the dose`);
      break;
    case 'screening.vitalsRecorded':
    case 'predose.vitalsRecorded':
    case 'monitoring.vitalsRecorded':
      add(str(p['heartRate']) && `HR ${str(p['heartRate'])}`);
      add(str(p['spo2']) && `SpO2 ${str(p['spo2'])}%`);
      break;
    case 'dose.recorded':
      add(str(p['medication']));
      add(str(p['infusionMinutes']) && `over ${str(p['infusionMinutes'])} min`);
      add(str(p['administration']));
      break;
    case 'consultation.recorded':
      add([str(p['kind']), str(p['mode'])].filter(Boolean).join(', ') || null);
      break;
    case 'eligibility.decided':
      if (Array.isArray(p['reasons'])) add(p['reasons'].map(str).filter(Boolean).join('; ') || null);
      break;
    case 'induction.started':
      add(local(p['firstSessionAt']) && `first session ${local(p['firstSessionAt'])}`);
      break;
    case 'session.rescheduled':
      add(local(p['to']) && `session ${str(p['sessionNumber']) ?? '?'} to ${local(p['to'])}`);
      break;
    case 'predose.transportConfirmed':
      add(str(p['mode']));
      add(p['responsibleAdultConfirmed'] === true ? 'responsible adult confirmed' : p['responsibleAdultConfirmed'] === false ? 'no responsible adult' : null);
      break;
    case 'session.discharged':
      add(str(p['releasedTo']) && `released to ${str(p['releasedTo'])}`);
      break;
    case 'checkIn.recorded':
      add(str(p['mode']));
      break;
    case 'therapy.linked':
      add(str(p['modality']));
      break;
    case 'consent.recorded':
      add(str(p['formVersion']) && `form ${str(p['formVersion'])}`);
      break;
    case 'maintenance.cadenceChanged':
      add(str(p['everyDays']) && `every ${str(p['everyDays'])} days`);
      break;
    default:
      break;
  }
  add(local(p['nextSessionAt']) && `next session ${local(p['nextSessionAt'])}`);
  add(str(p['reason']) && `reason: ${str(p['reason'])}`);
  return facts;
}
