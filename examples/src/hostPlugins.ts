// A clinic's own plugins, run on the flagship IV course:
//
//   pnpm --filter @carejourney/examples run plugins
//
// - `session-reminders` schedules a durable reminder the day before every planned session and
//   hands it to the host's messaging when due: the idea in a few lines (the flagship runs the full
//   @carejourney/plugin-reminders beside it). The plugin sees only the opaque patientRef: the
//   host looks up the phone number itself, so no PHI enters the journey.
// - `audit-trail` writes one line per applied event to the host's audit sink, de-duplicated on
//   the delivery id (outbox delivery is at least once).
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { definePlugin, parsePluginOptions, type CareJourneyPlugin, type KetamineJourneyContext } from '@carejourney/core';
import { runFlagship } from './flagship.js';

/** What the reminders plugin hands to the host. */
export interface SessionReminder {
  readonly patientRef: string;
  readonly sessionNumber: number;
  readonly sessionDueAt: string;
}

const remindersOptions = z.strictObject({
  /** How long before the session the reminder goes out. */
  leadHours: z.number().int().min(1).max(24 * 7).default(24),
  /** The host's channel: SMS, e-mail, app push. Must not throw for a single failed message. */
  deliver: z.custom<(reminder: SessionReminder) => void | Promise<void>>((v) => typeof v === 'function', 'must be a function'),
});

/**
 * Reminds patients of planned sessions through the host's channel.
 *
 * @example
 * ```ts
 * createEngine({ definition, store, plugins: [sessionReminders({ deliver: (r) => sms.send(lookupPhone(r.patientRef), text(r)) })] });
 * ```
 */
export function sessionReminders(options: z.input<typeof remindersOptions>): CareJourneyPlugin {
  const { leadHours, deliver } = parsePluginOptions('session-reminders', remindersOptions, options);
  return definePlugin({
    name: 'session-reminders',
    setup(api) {
      // After every applied event, make sure each planned session has its reminder timer.
      api.hooks.afterCommit(async ({ journeyId }) => {
        const view = await api.get(journeyId);
        if (view.status !== 'active') return;
        const context = view.context as unknown as KetamineJourneyContext;
        const pending = new Set((await api.timers.list(journeyId)).map((t) => t.key));
        for (const session of context.schedule.filter((s) => s.status === 'planned')) {
          const key = `session-${session.number}`;
          const dueAt = Date.parse(session.dueAt) - leadHours * 3_600_000;
          if (pending.has(key) || dueAt <= api.now()) continue;
          await api.timers.schedule({ journeyId, key, dueAt, payload: { sessionNumber: session.number, sessionDueAt: session.dueAt } });
        }
      });
      // When due, remind only if the session is still planned at that time (it may have moved).
      api.hooks.onTimer(async ({ journeyId, payload }) => {
        const { sessionNumber, sessionDueAt } = payload as { sessionNumber: number; sessionDueAt: string };
        const view = await api.get(journeyId);
        const session = (view.context as unknown as KetamineJourneyContext).schedule.find((s) => s.number === sessionNumber);
        if (session?.status !== 'planned' || session.dueAt !== sessionDueAt) return;
        await deliver({ patientRef: view.patientRef, sessionNumber, sessionDueAt });
      });
    },
  });
}

/**
 * One line per applied event to the host's audit sink: when, who (role and id), what, and the
 * state it led to. Never the payload.
 */
export function auditTrail(sink: (line: string) => void): CareJourneyPlugin {
  const seen = new Set<string>();
  return definePlugin({
    name: 'audit-trail',
    setup(api) {
      api.hooks.afterCommit(({ entry, deliveryId }) => {
        if (seen.has(deliveryId)) return;
        seen.add(deliveryId);
        sink(`${entry.at} ${entry.actor.role}:${entry.actor.id} ${entry.type} ${entry.from ?? '-'} -> ${entry.to}`);
      });
    },
  });
}

/** Runs the flagship course with both plugins; returns what the host received. */
export async function runHostPlugins(): Promise<{ reminders: SessionReminder[]; audit: string[]; journalLength: number }> {
  const reminders: SessionReminder[] = [];
  const audit: string[] = [];
  const { journal } = await runFlagship({
    plugins: [sessionReminders({ leadHours: 24, deliver: (r) => void reminders.push(r) }), auditTrail((line) => audit.push(line))],
  });
  return { reminders, audit, journalLength: journal.length };
}

async function main(): Promise<void> {
  const { reminders, audit } = await runHostPlugins();
  console.log(`Reminders handed to the host's messaging (${reminders.length}):`);
  for (const r of reminders) console.log(`  ${r.patientRef}  session ${r.sessionNumber}  due ${r.sessionDueAt}`);
  console.log(`\nAudit trail: ${audit.length} lines, the first three:`);
  for (const line of audit.slice(0, 3)) console.log(`  ${line}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
