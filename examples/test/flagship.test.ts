import { describe, expect, it } from 'vitest';
import { runFlagship } from '../src/flagship.js';
import { formatTimeline } from '../src/timeline.js';

describe('flagship example: an IV ketamine course for generalized anxiety', () => {
  it('runs from referral into maintenance with the screening plugin and concurrent therapy', async () => {
    const { view, context, rows, effects, journal, proposals, timeZone, typedIn } = await runFlagship();

    expect(view.stateLabel).toBe('care.clinical.treatment.course.maintenance.waiting|care.therapy.active');
    expect(view.phase).toBe('maintenance');
    expect(view.status).toBe('active');
    expect(context.plan?.route).toBe('iv');
    expect(context.sessions.map((s) => [s.number, s.phase, s.outcome])).toEqual([
      [1, 'induction', 'completed'],
      [2, 'induction', 'completed'],
      [3, 'induction', 'completed'],
      [4, 'induction', 'completed'],
      [5, 'induction', 'completed'],
      [6, 'induction', 'completed'],
      [7, 'maintenance', 'completed'],
    ]);
    // 0.5 mg/kg of the recorded 68 kg, as the plan says.
    expect(journal.filter((e) => e.type === 'dose.recorded').map((e) => e.payload['amountMg'])).toEqual([34, 34, 34, 34, 34, 34, 34]);
    // The review judged 17 → 7 (a response); the maintenance re-assessment holds it (4: remission).
    expect(effects.find((e) => e.type === 'response.proposed')?.payload).toMatchObject({ instrument: 'GAD-7', baseline: 17, current: 7, responded: true, remission: false });
    expect(context.response).toMatchObject({ instrument: 'GAD-7', baseline: 17, current: 4, responded: true, remission: true });
    expect(context.schedule.find((s) => s.status === 'planned')).toMatchObject({ number: 8, phase: 'maintenance', dueAt: '2026-05-15T08:00:00.000Z' }); // 10:00 in Berlin, summer time
    expect(context.therapy).toMatchObject({ therapistRef: 'therapist-204', sessionsAttended: 3, lapses: 0 });

    // The screening plugin scored the questionnaires and proposed; the physician decided.
    const assessments = journal.filter((e) => e.type === 'assessment.recorded');
    expect(assessments.map((e) => [e.payload['instrument'], e.payload['total'] ?? e.payload['risk'], e.actor.id])).toEqual([
      ['GAD-7', 17, 'screening-plugin'],
      ['PHQ-9', 12, 'screening-plugin'],
      ['C-SSRS', 'none', 'rn-bo'],
      ['GAD-7', 11, 'screening-plugin'],
      ['GAD-7', 7, 'screening-plugin'],
      ['GAD-7', 4, 'screening-plugin'],
    ]);
    // GAD-7 over the course: the baseline at intake, mid-induction (after the third infusion), at
    // the end of induction (after the sixth) and in maintenance (after the first booster).
    const phaseOf = (e: (typeof assessments)[number]) => (e.from?.includes('intake') ? 'intake' : e.from?.includes('maintenance') ? 'maintenance' : 'induction');
    const doses = journal.filter((e) => e.type === 'dose.recorded').map((e) => e.seq);
    expect(
      assessments.filter((e) => e.payload['instrument'] === 'GAD-7').map((e) => [e.payload['total'], phaseOf(e), doses.filter((seq) => seq < e.seq).length]),
    ).toEqual([
      [17, 'intake', 0],
      [11, 'induction', 3],
      [7, 'induction', 6],
      [4, 'maintenance', 7],
    ]);
    expect(assessments.every((e) => typeof e.payload['responseRef'] === 'string')).toBe(true);
    expect(proposals.map((p) => p.outcome)).toEqual(['eligible-pending-review']);
    expect(typedIn.ok ? 'accepted' : typedIn.error.code).toBe('CJ_ERR_VETOED');
    expect(rows.find((r) => r.kind === 'refused')).toMatchObject({ actor: 'nurse rn-bo', event: '✗ assessment.recorded' });
    expect(journal.find((e) => e.type === 'eligibility.decided')).toMatchObject({ actor: { role: 'physician' }, payload: { outcome: 'eligible' } });

    // Calm course: no alert of any kind; the proposal of the response review and the BP checks.
    expect(effects.filter((e) => e.type === 'safety.alert' || e.type === 'care.alert')).toEqual([]);
    expect(effects.filter((e) => e.type === 'response.proposed')).toHaveLength(1);
    expect(effects.filter((e) => e.type === 'monitoring.checkDue')).toHaveLength(7);

    // The timeline: a row per journal entry plus the plugin's proposal, in the clinic's zone.
    expect(rows.filter((r) => r.seq !== null)).toHaveLength(journal.length);
    expect(rows.find((r) => r.kind === 'note')?.event).toMatch(/^» screening proposes eligible-pending-review/);
    const lines = formatTimeline(rows, { timeZone, colour: false });
    expect(lines[0]).toMatch(/^2026-03-02 Mon 09:30 {2}coordinator coord-ana +journey\.start +→ referral$/);
    expect(lines.find((l) => l.includes('response.decided'))).toMatch(/^2026-03-20 Fri 11:00 {2}physician md-chen +response\.decided maintenance, every 28 days +→ maintenance › waiting · therapy: active$/);
    expect(lines.filter((l) => l.includes('session.discharged')).at(-1)).toMatch(/^2026-04-17 Fri 11:00 {2}nurse rn-bo +session\.discharged +→ maintenance › waiting · therapy: active$/);
    expect(lines.at(-1)).toMatch(/^2026-04-17 Fri 11:00 {2}reminders → patient +✉ discharge\.noDriving +by sms$/);
  });

  it('sends the reminders on time, each once, and the clinic is never told of an unconfirmed ride', async () => {
    const { reminders, reminderOutcomes, journal, rows } = await runFlagship();
    const kinds = (k: string) => reminders.filter((m) => m.kind === k);
    // Per session: 48 h, 24 h and 2 h before, fasting, the ride home; after it, the no-driving notice.
    expect(kinds('session.upcoming')).toHaveLength(21);
    expect(kinds('session.fasting')).toHaveLength(7);
    expect(kinds('transport.confirm')).toHaveLength(7);
    expect(kinds('discharge.noDriving')).toHaveLength(7);
    expect(kinds('monitoring.bpCheck').every((m) => m.audience === 'clinic')).toBe(true);
    // The patient confirmed every ride, so no "companion unconfirmed" went to the clinic.
    expect(kinds('companion.unconfirmed')).toEqual([]);
    expect(reminderOutcomes.filter((r) => r.outcome === 'confirmed')).toHaveLength(7);
    expect(reminders.every((m) => !m.late && m.attempt === 1 && m.patientRef === 'pt-8842')).toBe(true);
    expect(new Set(reminders.map((m) => m.deliveryId)).size).toBe(reminders.length);
    // No reminder in quiet hours (21:00-08:00 Berlin) except the safety notice, which ignores them.
    const quiet = rows.filter((r) => r.kind === 'reminder').filter((r) => {
      const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Berlin' }).format(r.atMs));
      return hour >= 21 ? new Date(r.atMs).getUTCMinutes() > 0 || hour > 21 : hour < 8;
    });
    expect(quiet.filter((r) => !r.event.includes('noDriving'))).toEqual([]);
    // Each no-driving notice goes out at its discharge.
    const discharges = journal.filter((e) => e.type === 'session.discharged').map((e) => Date.parse(e.at));
    expect(rows.filter((r) => r.event === '✉ discharge.noDriving').map((r) => r.atMs)).toEqual(discharges);
  });
});
