// The fasting reminder reads its windows from the journey's protocol (the clinic's configuration
// of the route), never from the plugin's options: a clinic that changes its fasting hours or the
// nasal steroid / decongestant window changes what patients are told, and nothing else has to.
import { describe, expect, it } from 'vitest';
import { remindersPlugin, type RemindersOptions } from '../src/index.js';
import { HOUR } from './helpers/journeyScript.js';
import { bookedJourney, FIRST_SESSION, local } from './helpers/scenarios.js';

/** Session 1's fasting reminder: when it went out and what it said. */
async function fastingOf(options: Parameters<typeof bookedJourney>[0]) {
  const { d } = await bookedJourney({ ...options, reminders: { quietHours: null, ...options?.reminders } });
  await d.advanceTo(FIRST_SESSION - HOUR);
  const [m] = d.host.ofKind('session.fasting');
  if (!m) throw new Error('no fasting reminder');
  return { at: local(m.at), ...m.variables };
}

describe('fasting windows from the protocol', () => {
  it("follows the clinic's esketamine protocol: longer fasting, a nasal decongestant window of 4 h", async () => {
    const fasting = { foodHours: 3, liquidMinutes: 90, nasalSteroidOrDecongestantMinutes: 240 };
    const r = await fastingOf({ protocol: { routes: { 'esketamine-nasal': { fasting } } } });
    // The first window is the nasal one (05:00 for a 09:00 session); the reminder goes 60 min before it.
    expect(r).toMatchObject({
      at: '2027-03-15 04:00',
      noFoodAfter: '2027-03-15 06:00 (Europe/Berlin)',
      noLiquidsAfter: '2027-03-15 07:30 (Europe/Berlin)',
      nasalSteroidOrDecongestantNotAfter: '2027-03-15 05:00 (Europe/Berlin)',
      foodHours: 3,
      liquidMinutes: 90,
      nasalSteroidOrDecongestantMinutes: 240,
    });
  });

  it('the twin: the default protocol (2 h food, 30 min liquids, 1 h nasal)', async () => {
    expect(await fastingOf({})).toMatchObject({
      at: '2027-03-15 06:00',
      noFoodAfter: '2027-03-15 07:00 (Europe/Berlin)',
      noLiquidsAfter: '2027-03-15 08:30 (Europe/Berlin)',
      nasalSteroidOrDecongestantNotAfter: '2027-03-15 08:00 (Europe/Berlin)',
      foodHours: 2,
      liquidMinutes: 30,
      nasalSteroidOrDecongestantMinutes: 60,
    });
  });

  it('a clinic that does not check nasal sprays: no nasal window, the food window comes first', async () => {
    const r = await fastingOf({ protocol: { routes: { 'esketamine-nasal': { fasting: { foodHours: 4, nasalSteroidOrDecongestantMinutes: null } } } } });
    expect(r).toMatchObject({ at: '2027-03-15 04:00', noFoodAfter: '2027-03-15 05:00 (Europe/Berlin)', nasalSteroidOrDecongestantNotAfter: null, nasalSteroidOrDecongestantMinutes: null });
  });

  it('refuses fasting values in the plugin options (they belong to the protocol); only the lead time is the plugin\'s', async () => {
    const refused = (() => {
      try {
        remindersPlugin({ deliver: () => undefined, rules: { 'session.fasting': { foodHours: 3 } } } as unknown as RemindersOptions);
      } catch (error) {
        return error as { code: string; message: string };
      }
      return null;
    })();
    expect(refused).toMatchObject({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringContaining('options.rules.session.fasting') });
    expect(refused?.message).toContain('foodHours');
    // The twin: the lead time before the first window is accepted and applied.
    expect(await fastingOf({ reminders: { rules: { 'session.fasting': { leadMinutes: 90 } } } })).toMatchObject({ at: '2027-03-15 05:30', foodHours: 2 });
  });
});
