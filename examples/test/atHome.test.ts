import { describe, expect, it } from 'vitest';
import { runAtHome } from '../src/atHome.js';

describe('at-home example: sublingual ketamine with a trusted adult', () => {
  it('has the patient record every session, blocks a dose without a full trusted adult until a physician clears it', async () => {
    const { view, context, journal, blockedDose, summary } = await runAtHome();
    expect(view.phase).toBe('maintenance');
    expect(context.plan?.route).toBe('sublingual-home');
    expect(context.sessions.map((s) => [s.number, s.setting, s.outcome, s.discharge?.releasedTo])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n, 'home', 'completed', 'trusted-adult-at-home']),
    );

    // Inside sessions (check-in to discharge) every record is the patient's own, except the physician's clearance.
    const sessionEntries = journal.filter((e) => /^(session\.|predose\.|dose\.|monitoring\.)/.test(e.type) && e.kind === 'event');
    expect(new Set(sessionEntries.filter((e) => e.type !== 'predose.findingCleared').map((e) => e.actor.role))).toEqual(new Set(['patient']));
    expect(sessionEntries.filter((e) => e.type === 'predose.findingCleared').map((e) => e.actor.role)).toEqual(['physician']);

    // Session 2: the incomplete trusted adult blocked the dose; the refused dose left no trace; a
    // physician's clearance, recorded after it, lifted the block.
    expect(blockedDose?.guard).toBe('preDoseChecksPassed');
    expect(blockedDose?.reason).toContain('not present for the whole session');
    expect(journal.filter((e) => e.type === 'dose.recorded')).toHaveLength(6);
    const second = journal.slice(journal.findIndex((e) => e.type === 'session.checkedIn' && e.seq > journal.filter((x) => x.type === 'session.discharged')[0]!.seq));
    const order = second.slice(0, second.findIndex((e) => e.type === 'dose.recorded') + 1).map((e) => e.type);
    expect(order.filter((t) => t.startsWith('predose.trusted') || t === 'predose.findingCleared' || t === 'dose.recorded')).toEqual([
      'predose.trustedAdultConfirmed',
      'predose.trustedAdultConfirmed',
      'predose.findingCleared',
      'dose.recorded',
    ]);
    const trustedAdults = second.filter((e) => e.type === 'predose.trustedAdultConfirmed').slice(0, 2);
    expect(trustedAdults.map((e) => e.payload['presentWholeSession'])).toEqual([false, true]);

    expect(context.response).toMatchObject({ baseline: 14, current: 6, responded: true });
    expect(context.schedule.find((s) => s.status === 'planned')?.phase).toBe('maintenance');
    // Sessions that ended alike are one run, named by their numbers.
    expect(summary).toContain('Sessions:  sessions #1-#6 completed, released to the trusted adult at home');
  });
});
