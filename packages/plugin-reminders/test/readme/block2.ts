// Generated from README.md by `pnpm readme:extract`: edit the README, not this file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, ketamineAnxietyJourney } from '@carejourney/core';
import { SqliteStore } from '@carejourney/store-sqlite';
import { parseReminderPreferences, remindersPlugin, type ReminderPreferences } from '@carejourney/plugin-reminders';
import { SqliteReminderLog } from '@carejourney/plugin-reminders/sqlite';

const file = join(mkdtempSync(join(tmpdir(), 'clinic-')), 'clinic.db'); // e.g. /var/lib/clinic/clinic.db
const savedPreferences = new Map<string, ReminderPreferences>();
// Validate what a patient chooses before saving it: opting out of a safety-critical kind is refused.
savedPreferences.set('pt-8842', parseReminderPreferences({ optOut: ['session.upcoming'], channels: { 'transport.confirm': 'call' } }));

const reminders = remindersPlugin({
  deliver: async (m) => {
    // e.g. await messaging.send({ idempotencyKey: m.deliveryId, to: contactOf(m.patientRef, m.channel), template: m.templateKey, data: m.variables });
    // Return { ok: false, permanent: true, code: 'NO_CONTACT' } when retrying cannot help; throw to retry.
  },
  log: new SqliteReminderLog({ path: file }),
  preferences: ({ patientRef }) => savedPreferences.get(patientRef),
  patientTimeZone: () => undefined, // the protocol's zone
  channels: { patient: 'sms', clinic: 'clinic-inbox', byKind: { 'reminder.escalation': 'clinic-pager' } },
  rules: { 'session.upcoming': { offsetsHours: [48, 24] }, 'discharge.checkIn': { at: '11:00' } },
  retry: { maxAttempts: 5, initialDelayMinutes: 1, maxDelayMinutes: 60 },
});
reminders.on('reminder.failed', (notice) => {
  // Every attempt failed (critical kinds were escalated to the clinic too): notice.kind, notice.deliveryId.
});

const store = new SqliteStore({ path: file });
const engine = createEngine({ definition: ketamineAnxietyJourney, store, protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true }, plugins: [reminders] });
// After a restart: redeliver what a crash cut off, then fire what came due while the server was down
// (still-useful reminders go out marked late; those whose moment has passed are recorded as expired).
await engine.recover();
await engine.runDue();
await store.close();
await reminders.log.close?.();

export {};
