import { describe, expect, it } from 'vitest';
import { runBpHold } from '../src/bpHold.js';

describe('bp-hold example: BP above the limit, stop rule, serious adverse event, transfer, hold, resume', () => {
  it('records the override, stops and transfers the dosed patient, holds, and re-plans on resume', async () => {
    const { view, context, journal, effects, blockedDose, plannedBeforeHold, plannedAfterResume, summary } = await runBpHold();

    // Before the override, the lower re-measurement did not lift the block.
    expect(blockedDose).toMatchObject({ guard: 'preDoseChecksPassed' });
    expect(blockedDose?.reason).toContain('physician override');
    const s1 = journal.slice(journal.findIndex((e) => e.type === 'session.checkedIn'));
    expect(s1.slice(0, s1.findIndex((e) => e.type === 'dose.recorded') + 1).map((e) => e.type).filter((t) => ['predose.vitalsRecorded', 'predose.bpOverridden', 'dose.recorded'].includes(t))).toEqual([
      'predose.vitalsRecorded',
      'predose.vitalsRecorded',
      'predose.bpOverridden',
      'dose.recorded',
    ]);

    // The dosed patient stayed in the session through the stop rule and the serious adverse
    // event, until the recorded transfer ended it.
    const escalated = journal.find((e) => e.type === 'session.escalated');
    const between = journal.filter((e) => e.seq > journal.find((x) => x.type === 'dose.recorded')!.seq && e.seq < escalated!.seq);
    expect(between.every((e) => e.to.includes('.session.dosed.'))).toBe(true);
    expect(escalated?.to).toBe('care.clinical.treatment.onHold|care.therapy.notLinked');
    expect(effects.filter((e) => e.type === 'safety.alert').map((e) => [e.payload['kind'], e.payload['sessionNumber']])).toEqual([
      ['stop-rule', 1],
      ['hold', 1],
      ['transfer', 1],
      ['session-aborted', 3],
    ]);

    // On hold, the sessions that fell due were not missed; the resume re-planned the rest from
    // the physician's date, keeping their spacing (Mon, Wed, Fri).
    expect(effects.some((e) => e.type === 'care.alert' && e.payload['kind'] === 'missed-session')).toBe(false);
    expect(journal.some((e) => e.type === 'session.noShow')).toBe(false);
    expect(plannedBeforeHold.map((s) => s.dueAt.slice(0, 10))).toEqual(['2026-01-19', '2026-01-21', '2026-01-23', '2026-01-26', '2026-01-28', '2026-01-30']);
    expect(plannedAfterResume.map((s) => [s.number, s.dueAt])).toEqual([
      [2, '2026-01-28T10:00:00.000Z'],
      [3, '2026-01-30T10:00:00.000Z'],
      [4, '2026-02-02T10:00:00.000Z'],
      [5, '2026-02-04T10:00:00.000Z'],
      [6, '2026-02-06T10:00:00.000Z'],
    ]);
    expect(context.holds).toHaveLength(1);
    expect(context.holds[0]).toMatchObject({ review: { decision: 'resume', by: { role: 'physician' } } });
    expect(context.holds[0]?.signals.map((s) => s.signal)).toEqual(['serious-adverse-event', 'transfer-of-care']);

    // Transferred, cancelled before any dose, stopped early and observed to discharge, completed.
    expect(context.sessions.map((s) => [s.number, s.outcome, s.dose?.amountMg ?? null])).toEqual([
      [1, 'transferred', 40],
      [2, 'cancelled', null],
      [3, 'aborted', 40],
      [4, 'completed', 40],
    ]);
    expect(context.sessions[0]?.transfer).toMatchObject({ destination: 'emergency-department', reference: 'ED-RLH-20260119-0412' });
    expect(context.sessions[2]?.stopped?.kind).toBe('aborted');
    expect(context.sessions[2]?.discharge?.releasedTo).toBe('responsible-adult');
    expect(view.phase).toBe('induction');
    expect(context.hold).toBeNull();
    // The summary names each session by its number, never as a bare count.
    expect(summary).toContain(
      'Sessions:  session #1 transferred to the emergency department; session #2 cancelled before the dose; session #3 stopped early, observed to discharge; session #4 completed',
    );
  });
});
