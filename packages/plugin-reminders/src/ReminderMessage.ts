import type { ReminderAudience, ReminderChannel, ReminderKind } from './kinds.js';
import type { ReminderVariables } from './rules/ReminderRule.js';

/**
 * What the host's `deliver` gets: who (an opaque `patientRef`, never a name or a number), which
 * kind, the clinic's template key, the channel, and variables (times written in the reader's zone,
 * numbers, flags). The host looks up the contact details and the wording itself.
 *
 * @example
 * ```ts
 * const deliver = async (message: ReminderMessage) => {
 *   const phone = await contacts.phoneOf(message.patientRef); // the host's own lookup
 *   await sms.send({ idempotencyKey: message.deliveryId, to: phone, text: templates.render(message.templateKey, message.variables) });
 * };
 * ```
 */
export interface ReminderMessage {
  /** Stable across attempts and redeliveries: the host's idempotency key for this reminder. */
  readonly deliveryId: string;
  readonly journeyId: string;
  readonly patientRef: string;
  readonly audience: ReminderAudience;
  readonly kind: ReminderKind;
  readonly templateKey: string;
  readonly channel: ReminderChannel;
  readonly variables: ReminderVariables;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** True when it goes out later than planned (the server was down). */
  readonly late: boolean;
}

/**
 * The host's answer: nothing (or `{ ok: true }`) when it took the message; `{ ok: false }` when it
 * could not (`permanent: true` when retrying cannot help, e.g. no contact on file; `code` a short
 * error code for the record). Throwing counts as a failure that is retried.
 *
 * @example
 * ```ts
 * const deliver = async (message: ReminderMessage): Promise<DeliverResult> => {
 *   const phone = await contacts.phoneOf(message.patientRef);
 *   if (!phone) return { ok: false, permanent: true, code: 'no-phone' }; // retrying cannot help
 *   await sms.send(phone, message);
 *   return { ok: true };
 * };
 * ```
 */
export type DeliverResult = void | undefined | { readonly ok: true } | { readonly ok: false; readonly permanent?: boolean; readonly code?: string };

/**
 * The host's delivery function: SMS, e-mail, push, a call, a staff pager. Delivery is at least
 * once: de-duplicate on `message.deliveryId`.
 *
 * @example
 * ```ts
 * const deliver: Deliver = (message) => outbox.enqueue(message.deliveryId, message); // the host's own queue
 * const reminders = remindersPlugin({ deliver });
 * ```
 */
export type Deliver = (message: ReminderMessage) => DeliverResult | Promise<DeliverResult>;
