import { describe, expect, it } from 'vitest';
import { ketamineJourneyEvents, ketamineJourneyPolicy, type KetamineEventType } from '../../src/index.js';
import { eventSamples, roleFor } from './eventSamples.js';
import { Harness } from './harness.js';

const TYPES = Object.keys(ketamineJourneyEvents) as KetamineEventType[];

describe('every event type is refused, with a clear reason, where the journey does not allow it', () => {
  it('has a valid sample payload and an allowed role for every event type', () => {
    for (const type of TYPES) {
      expect(ketamineJourneyEvents[type].safeParse(eventSamples[type]).success, type).toBe(true);
      expect(ketamineJourneyPolicy.events[type] as readonly string[], type).toContain(roleFor(type));
    }
  });

  it.each(TYPES.filter((t) => !['referral.accepted', 'referral.declined', 'journey.withdrawn'].includes(t)))('%s is refused at referral', async (type) => {
    const h = await Harness.start();
    const r = await h.trySend(type, eventSamples[type] as never, roleFor(type));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CJ_ERR_NOT_ALLOWED');
    expect(r.error.message).toBe(`"${type}" is not allowed in state referral. Allowed now: referral.accepted, referral.declined, journey.withdrawn. [CJ_ERR_NOT_ALLOWED]`);
    expect(r.error.details).toMatchObject({ eventType: type, state: 'referral', allowedEvents: ['referral.accepted', 'referral.declined', 'journey.withdrawn'] });
    // Nothing changed.
    expect((await h.view()).version).toBe(1);
  });

  it.each(['referral.accepted', 'referral.declined'] as const)('%s is refused once triage is done', async (type) => {
    const h = await Harness.start();
    await h.send('referral.accepted', {}, 'coordinator');
    const r = await h.trySend(type, eventSamples[type] as never, 'coordinator');
    expect(!r.ok && r.error.code).toBe('CJ_ERR_NOT_ALLOWED');
    expect(!r.ok && r.error.message).toContain(`"${type}" is not allowed in state care.clinical.intake.screening|care.therapy.notLinked. Allowed now: `);
  });

  it('journey.withdrawn is refused once the journey has ended', async () => {
    const h = await Harness.start();
    await h.send('referral.declined', { reason: 'Outside catchment' }, 'coordinator');
    const r = await h.trySend('journey.withdrawn', {}, 'patient');
    expect(!r.ok && r.error.code).toBe('CJ_ERR_NOT_ALLOWED');
    expect(!r.ok && r.error.message).toMatch(/has ended \(closed\); it accepts no more events\. \[CJ_ERR_NOT_ALLOWED\]$/);
  });

  it('a role the policy does not name is refused before any state check', async () => {
    const h = await Harness.start();
    const r = await h.trySend('plan.recorded', eventSamples['plan.recorded'], 'nurse');
    expect(!r.ok && r.error.code).toBe('CJ_ERR_FORBIDDEN');
    expect(!r.ok && r.error.message).toBe('A nurse may not send "plan.recorded": it is for physician. [CJ_ERR_FORBIDDEN]');
  });
});
