// The bus is typed from the machine's `emitted` type (src/journey/effects.ts). This test runs the
// ketamine journey through sessions, an overdue REMS form, a missed session and a hold, and checks
// every effect it emitted against schemas written to those types, so the types cannot drift from
// what the journey really emits.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { AssessmentDueEffect, CareAlertEffect, KetamineEffectType, MonitoringCheckDueEffect, ResponseProposedEffect, SafetyAlertEffect } from '../src/index.js';
import { completeScreening, Harness, linkTherapy, planAndStart, runSession } from './journey/harness.js';

const instant = z.iso.datetime();
const schemas = {
  'safety.alert': z.strictObject({
    kind: z.string(),
    reason: z.string(),
    patientRef: z.string(),
    at: instant,
    sessionNumber: z.number().optional(),
    signal: z.string().optional(),
  }),
  'care.alert': z.strictObject({
    kind: z.string(),
    patientRef: z.string(),
    at: instant,
    sessionNumber: z.number().nullable().optional(),
    needsClinicianReview: z.boolean().optional(),
    everyMinutes: z.number().nullable().optional(),
    ending: z.enum(['discontinued', 'closed']).nullable().optional(),
    instrument: z.string().optional(),
    baseline: z.number().optional(),
    current: z.number().optional(),
    lastAttendedAt: instant.nullable().optional(),
    gapDays: z.number().optional(),
  }),
  'monitoring.checkDue': z.strictObject({ patientRef: z.string(), sessionNumber: z.number(), minute: z.number(), at: instant }),
  'rems.formDue': z.looseObject({ patientRef: z.string(), sessionNumber: z.number(), sessionPhase: z.enum(['induction', 'maintenance']), dueAt: instant, sessionDate: z.string() }),
  'assessment.due': z.strictObject({ patientRef: z.string(), instrument: z.string(), reason: z.enum(['response-review', 'maintenance-reassessment']), at: instant }),
  'response.proposed': z.looseObject({ patientRef: z.string(), at: instant }) satisfies z.ZodType<Pick<ResponseProposedEffect, 'patientRef' | 'at'>>,
} satisfies Record<KetamineEffectType, z.ZodType>;

/** The schemas name exactly the fields of the types (checked by tsc). */
type Fields<T> = Exclude<keyof T, 'type'>;
type SchemaFields<K extends keyof typeof schemas> = keyof z.output<(typeof schemas)[K]>;
expectTypeOf<SchemaFields<'safety.alert'>>().toEqualTypeOf<Fields<SafetyAlertEffect>>();
expectTypeOf<SchemaFields<'care.alert'>>().toEqualTypeOf<Fields<CareAlertEffect>>();
expectTypeOf<SchemaFields<'monitoring.checkDue'>>().toEqualTypeOf<Fields<MonitoringCheckDueEffect>>();
expectTypeOf<SchemaFields<'assessment.due'>>().toEqualTypeOf<Fields<AssessmentDueEffect>>();

describe('the effects the ketamine journey emits match their types', () => {
  it('through sessions, an overdue REMS form, a missed session and a hold', async () => {
    const h = await Harness.start({ start: '2026-03-02T08:00:00Z' });
    await completeScreening(h, { gad7: 18 });
    await linkTherapy(h);
    await planAndStart(h, 'esketamine-nasal', '2026-03-09T09:00:00Z');
    await runSession(h, { route: 'esketamine-nasal', amountMg: 56, devices: 2 });
    // The REMS form is not submitted: it falls overdue; the next session is missed.
    await h.advance(9 * 24 * 60);
    await h.send('safety.signalReported', { signal: 'pregnancy' }, 'physician');

    const seen = new Set<string>();
    for (const effect of h.effects) {
      if (effect.type === 'journey.ended') continue;
      const schema = schemas[effect.type as KetamineEffectType] as z.ZodType | undefined;
      expect(schema, `effect "${effect.type}" is not typed in src/journey/effects.ts`).toBeDefined();
      const parsed = schema!.safeParse(effect.payload);
      expect(parsed.success, `${effect.type}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`).toBe(true);
      seen.add(`${effect.type}${'kind' in effect.payload ? `:${String(effect.payload['kind'])}` : ''}`);
    }
    // The run reached the effects it is meant to check.
    expect([...seen]).toEqual(expect.arrayContaining(['rems.formDue', 'monitoring.checkDue', 'care.alert:rems-form-overdue', 'care.alert:missed-session', 'safety.alert:hold']));
  });
});
