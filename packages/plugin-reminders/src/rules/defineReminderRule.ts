import type { KetamineEventType } from '@carejourney/core';
import type { CustomReminderKind } from '../kinds.js';
import type { EffectReminderRule, EventReminderRule, ReminderRule, ViewReminderRule } from './ReminderRule.js';

/**
 * Declares a clinic's own reminder rule, typed against the journey's context, events and
 * effects. Its kind starts with `custom.`; the plugin validates it when it is created.
 *
 * @example
 * ```ts
 * const parking = defineReminderRule({
 *   id: 'custom.parking', kind: 'custom.parking', audience: 'patient', templateKey: 'clinic.parking',
 *   quietHours: 'earlier', on: 'event', event: 'induction.started', description: 'Where to park, on booking',
 *   plan: ({ entry }) => [{ subject: 'parking', aboutAt: Date.parse(entry.payload.firstSessionAt), at: Date.parse(entry.at) }],
 * });
 * ```
 */
export function defineReminderRule<const TEvent extends KetamineEventType>(rule: EventReminderRule<CustomReminderKind, TEvent>): EventReminderRule<CustomReminderKind, TEvent>;
export function defineReminderRule(rule: ViewReminderRule<CustomReminderKind>): ViewReminderRule<CustomReminderKind>;
export function defineReminderRule(rule: EffectReminderRule<CustomReminderKind>): EffectReminderRule<CustomReminderKind>;
export function defineReminderRule(rule: ReminderRule<CustomReminderKind>): ReminderRule<CustomReminderKind> {
  return Object.freeze({ ...rule });
}
