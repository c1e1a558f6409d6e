// Generated from README.md by `pnpm readme:extract`: edit the README, not this file.
import { CONTRAINDICATIONS, createEngine, ketamineAnxietyJourney, ManualClock, MemoryStore } from '@carejourney/core';
import { MemoryReminderLog, remindersPlugin, type ReminderMessage } from '@carejourney/plugin-reminders';

const outbox: ReminderMessage[] = [];
const reminders = remindersPlugin({
  // The host's channels. Look the contact up by patientRef, pick the clinic's wording by
  // templateKey, and use deliveryId as the idempotency key: it is the same on every attempt.
  deliver: async (message) => void outbox.push(message),
  log: new MemoryReminderLog(),
  patientTimeZone: () => 'Europe/Berlin',
  quietHours: { start: '21:00', end: '08:00' },
});

const clock = new ManualClock('2027-03-08T08:00:00Z');
const engine = createEngine({
  definition: ketamineAnxietyJourney,
  store: new MemoryStore(),
  clock,
  protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true },
  plugins: [reminders],
});

// A patient through screening to a booked esketamine induction.
const coordinator = { id: 'c-1', role: 'coordinator' } as const;
const physician = { id: 'md-1', role: 'physician' } as const;
const nurse = { id: 'n-1', role: 'nurse' } as const;
const patient = { id: 'pt-self', role: 'patient' } as const;
const { id } = await engine.start({ patientRef: 'pt-8842', actor: coordinator, input: { referral: { source: 'professional', indication: 'generalized-anxiety' } } });
const steps = [
  [{ type: 'referral.accepted' }, coordinator],
  [{ type: 'consultation.recorded', kind: 'initial', mode: 'in-person' }, physician],
  [{ type: 'assessment.recorded', instrument: 'GAD-7', total: 16 }, patient],
  [{ type: 'assessment.recorded', instrument: 'PHQ-9', total: 11, item9: 0 }, patient],
  [{ type: 'screening.contraindicationsRecorded', answers: Object.fromEntries(CONTRAINDICATIONS.map((c) => [c, false])) }, nurse],
  [{ type: 'screening.vitalsRecorded', systolic: 124, diastolic: 80, heartRate: 72 }, nurse],
  [{ type: 'screening.medicationsReviewed', classes: [] }, physician],
  [{ type: 'eligibility.decided', outcome: 'eligible', reasons: [] }, physician],
  [{ type: 'consent.recorded', formVersion: 'KET-CONSENT-3' }, physician],
  [{ type: 'rems.enrolled', enrolmentRef: 'REMS-55120' }, coordinator],
  [{ type: 'plan.recorded', route: 'esketamine-nasal', dosePlan: { summary: '56 mg', steps: [{ fromSession: 1, amount: 56, unit: 'mg', devices: 2 }] } }, physician],
  // Monday 2027-03-15, 09:00 in Berlin: the reminders of all twelve sessions are planned now.
  [{ type: 'induction.started', firstSessionAt: '2027-03-15T08:00:00Z' }, coordinator],
] as const;
for (const [event, actor] of steps) {
  const r = await engine.send(id, event as never, { actor });
  if (!r.ok) throw r.error;
}

// The host's scheduler calls runDue every minute or so; here the clock jumps to Sunday noon.
clock.advanceTo('2027-03-14T11:00:00Z');
await engine.runDue();
for (const m of outbox) console.log(m.kind, m.templateKey, m.variables['sessionAt']);
// session.upcoming session.upcoming 2027-03-15 09:00 (Europe/Berlin)   (Saturday 09:00: 48 h before)
// transport.confirm transport.confirm 2027-03-15 09:00 (Europe/Berlin) (Sunday 09:00)
// session.upcoming session.upcoming 2027-03-15 09:00 (Europe/Berlin)   (Sunday 09:00: 24 h before)

// The patient replied "yes, my partner drives me home": the clinic is not alerted at 05:00.
const ride = outbox.find((m) => m.kind === 'transport.confirm');
if (ride) await reminders.confirm(id, ride.deliveryId);

// What happened to each reminder of the journey.
for (const r of await reminders.outcomes(id)) console.log(r.outcome, r.kind, r.plannedAt, r.quietHours?.direction ?? '');

// What still waits to go out, with the moves quiet hours made: Monday's 2 h reminder (07:00) and
// fasting instructions (06:00) go out at 21:00 on Sunday.
for (const r of (await reminders.pending(id)).filter((p) => p.quietHours !== null).slice(0, 2)) {
  console.log(r.kind, r.dueAt, `moved ${r.quietHours?.direction} from ${r.quietHours?.movedFrom}`);
}

export {};
