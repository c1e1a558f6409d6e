// A long course keeps the journey's context flat: ended sessions become summaries, and only the
// most recent of them (and of the schedule, assessments, holds and REMS forms) stay in the snapshot.
import { describe, expect, it } from 'vitest';
import { RECENT_SESSIONS, remsMonitoringForm } from '../../src/index.js';
import { completeScreening, Harness, planAndStart, runSession } from './harness.js';

const size = (value: unknown) => JSON.stringify(value).length;

describe('a bounded context over a long course', () => {
  it('an esketamine course into weekly maintenance: the snapshot stops growing, the tally counts everything', { timeout: 120_000 }, async () => {
    const h = await Harness.start();
    await completeScreening(h);
    await planAndStart(h, 'esketamine-nasal', '2026-03-09T09:00:00Z');
    const sizes: number[] = [];
    for (let n = 1; n <= 12; n++) {
      await runSession(h, { route: 'esketamine-nasal', ...(n === 12 ? { assessment: { instrument: 'GAD-7' as const, total: 6 } } : {}) });
      for (const f of (await h.context()).rems.forms.filter((x) => x.submitted === null)) {
        await h.send('rems.formSubmitted', { sessionNumber: f.sessionNumber, submissionRef: `F-${f.sessionNumber}` }, 'nurse');
      }
    }
    await h.send('response.decided', { decision: 'maintenance', reason: 'Responder', everyDays: 7 }, 'physician');
    for (let n = 13; n <= 40; n++) {
      await runSession(h, { route: 'esketamine-nasal', assessment: { instrument: 'GAD-7', total: 6 } });
      // The form stays in the context with its data until it is submitted.
      const ctx = await h.context();
      expect(remsMonitoringForm(ctx, n)).toMatchObject({ sessionNumber: n, dose: { amountMg: 56 } });
      await h.send('rems.formSubmitted', { sessionNumber: n, submissionRef: `F-${n}` }, 'nurse');
      await h.send('checkIn.recorded', { mode: 'phone' }, 'nurse');
      sizes.push(size(await h.context()));
    }
    const ctx = await h.context();
    expect(ctx.sessions).toHaveLength(RECENT_SESSIONS);
    expect(ctx.sessions.map((s) => s.number)).toEqual(Array.from({ length: RECENT_SESSIONS }, (_, i) => 40 - RECENT_SESSIONS + 1 + i));
    expect(ctx.schedule.filter((s) => s.status !== 'planned')).toHaveLength(RECENT_SESSIONS);
    expect(ctx.schedule.filter((s) => s.status === 'planned').map((s) => s.number)).toEqual([41]);
    expect(ctx.tally).toMatchObject({ nextSessionNumber: 42, sessionsEnded: 40, doses: 40, remsFormsSubmitted: 40, remsFiledThroughSession: 40 });
    expect(ctx.rems.forms.map((f) => f.sessionNumber)).toEqual([38, 39, 40]);
    expect(ctx.rems.forms.every((f) => f.form === null)).toBe(true);
    expect(ctx.assessments.filter((a) => a.instrument === 'GAD-7').map((a) => a.phase)).toEqual(['baseline', 'follow-up']);
    expect(ctx.maintenance.checkIns).toHaveLength(3);
    // Flat: from session 20 to session 40 the context does not grow.
    const at20 = sizes[20 - 13] ?? 0;
    const at40 = sizes[40 - 13] ?? 0;
    expect(at40).toBeLessThanOrEqual(at20 * 1.02);
    // The full record of every session is in the journal.
    const doses = (await h.engine.history(h.id)).filter((e) => e.type === 'dose.recorded');
    expect(doses).toHaveLength(40);
  });
});
