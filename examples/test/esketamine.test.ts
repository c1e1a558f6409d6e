import { localParts } from '@carejourney/core';
import { describe, expect, it } from 'vitest';
import { runEsketamine } from '../src/esketamine.js';

describe('esketamine example: REMS, twice then once weekly, the monitoring forms', () => {
  it('doses twelve induction sessions on the clinic calendar, then maintenance, and files every REMS form', async () => {
    const { view, context, journal, effects, filed, timeZone } = await runEsketamine();
    expect(view.phase).toBe('maintenance');
    expect(view.stateLabel).toBe('care.clinical.treatment.course.maintenance.waiting|care.therapy.notLinked');

    // REMS enrolment before induction.
    const types = journal.map((e) => e.type);
    expect(types.indexOf('rems.enrolled')).toBeLessThan(types.indexOf('induction.started'));

    // Twice weekly for four weeks (Mondays and Thursdays; the closed Monday moves to Tuesday),
    // then weekly for four: always 10:00 in New York, across the end of summer time on 1 November.
    const doses = journal.filter((e) => e.type === 'dose.recorded');
    const local = doses.map((e) => localParts(Date.parse(e.at), timeZone));
    expect(local.slice(0, 12).map((p) => p.date)).toEqual([
      '2026-09-28', '2026-10-01', '2026-10-05', '2026-10-08', '2026-10-13', '2026-10-15',
      '2026-10-19', '2026-10-22', '2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16',
    ]);
    expect(new Set(local.map((p) => p.time))).toEqual(new Set(['10:00']));
    expect(local[12]?.date).toBe('2026-11-30'); // maintenance: 14 days after the last induction session
    // 56 mg (2 devices) the first day, then 84 mg (3 devices).
    expect(doses.map((e) => `${String(e.payload['amountMg'])}/${String(e.payload['devices'])}`)).toEqual(['56/2', ...Array(12).fill('84/3')]);
    // At least two hours of observation every session.
    const discharges = journal.filter((e) => e.type === 'session.discharged');
    expect(discharges.map((e, i) => (Date.parse(e.at) - Date.parse(doses[i]!.at)) / 60_000)).toEqual(Array(13).fill(120));

    // A form announced after every session, filed by the host; session 4's late, after an overdue alert.
    expect(effects.filter((e) => e.type === 'rems.formDue').map((e) => e.payload['sessionNumber'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(filed.map((f) => f.form.sessionNumber)).toEqual([1, 2, 3, 5, 4, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(effects.filter((e) => e.type === 'care.alert').map((e) => [e.payload['kind'], e.payload['sessionNumber']])).toEqual([['rems-form-overdue', 4]]);
    expect(journal.filter((e) => e.type === 'rems.formSubmitted')).toHaveLength(13);
    expect(context.tally.remsFormsSubmitted).toBe(13);
    expect(context.rems.forms.filter((f) => f.submitted === null)).toEqual([]);
    expect(effects.filter((e) => e.type === 'safety.alert')).toEqual([]);

    // The form carries what the REMS asks for, derived from the session's records.
    const first = filed[0]!.form;
    expect(first).toMatchObject({
      sessionNumber: 1,
      coMedications: ['antidepressant'],
      dose: { amountMg: 56, devices: 2, lot: 'ESK-7731' },
      totalMonitoringMinutes: 120,
      readyToLeaveMinutesAfterDose: 120,
      bloodPressure: { preDose: { systolic: 124, diastolic: 80 }, at40Minutes: { systolic: 138, diastolic: 87, minutesAfterDose: 40 }, preDischarge: { systolic: 124, diastolic: 80 } },
      sedation: { status: 'observed', lowestMoaas: 4 },
      dissociation: { status: 'observed', highestScore: 7 },
      respiratoryDepression: { status: 'not-observed', lowestSpO2: 97 },
      sessionOutcome: 'completed',
    });
    // Filed within the 7 days, except session 4's.
    for (const f of filed) expect(Date.parse(f.filedAt) <= Date.parse(f.form.dueAt)).toBe(f.form.sessionNumber !== 4);

    expect(context.response).toMatchObject({ instrument: 'GAD-7', baseline: 16, current: 7, responded: true });
    expect(context.maintenance.everyDays).toBe(14);
  });
});
