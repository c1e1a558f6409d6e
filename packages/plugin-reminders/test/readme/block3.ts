// Generated from README.md by `pnpm readme:extract`: edit the README, not this file.
import { defineReminderRule, remindersPlugin } from '@carejourney/plugin-reminders';

// Where to park, sent when the induction is booked; kinds of clinic rules start with `custom.`.
const parking = defineReminderRule({
  id: 'custom.parking',
  kind: 'custom.parking',
  audience: 'patient',
  templateKey: 'clinic.parking',
  quietHours: 'later',
  on: 'event',
  event: 'induction.started',
  description: 'Where to park, when the induction is booked',
  plan: ({ entry }) => [{ subject: 'parking', aboutAt: Date.parse(entry.payload.firstSessionAt), at: Date.parse(entry.at) }],
});

const reminders = remindersPlugin({ deliver: () => undefined, customRules: [parking] });
console.log(reminders.rules.map((r) => r.id).includes('custom.parking')); // true

export {};
