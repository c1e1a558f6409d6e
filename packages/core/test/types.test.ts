// Type-level tests: `tsc` (pnpm typecheck) checks every line; each `@ts-expect-error` must be an
// error, or the typecheck fails. The runtime part checks that what the types promise is what the
// engine does.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createEngine,
  definePlugin,
  ketamineAnxietyJourney,
  ManualClock,
  MemoryStore,
  type CareJourneyError,
  type JourneyEntryTypeFrom,
  type JourneyEventTypeFrom,
  type JourneyPhaseFrom,
  type JourneyRoleFrom,
  type JourneyStatePathFrom,
  type KetamineEffectType,
  type KetamineEventType,
  type KetamineJourneyPhase,
  type KetamineRole,
  type KetamineTimerEventType,
} from '../src/index.js';

type Def = typeof ketamineAnxietyJourney;
const engine = createEngine({ definition: ketamineAnxietyJourney, store: new MemoryStore(), clock: new ManualClock('2026-03-02T08:00:00Z'), protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true } });
const coordinator = { id: 'c-1', role: 'coordinator' } as const;

/** Only type-checked, never run: the calls need journeys that do not exist. */
async function typeOnly(): Promise<void> {
  const view = await engine.get('j-1');
  expectTypeOf(view.phase).toEqualTypeOf<KetamineJourneyPhase>();
  expectTypeOf(view.allowedEvents).toEqualTypeOf<readonly KetamineEventType[]>();
  expectTypeOf(view.blockedEvents[0]!.type).toEqualTypeOf<KetamineEventType>();
  expectTypeOf(view.context.patientRef).toBeString();

  // Roles: a role of the definition passes, any other string is a type error.
  await engine.send('j-1', { type: 'referral.accepted' }, { actor: coordinator });
  // @ts-expect-error a role the journey does not have
  await engine.send('j-1', { type: 'referral.accepted' }, { actor: { id: 'x', role: 'janitor' } });
  // @ts-expect-error a role the journey does not have, at the start
  await engine.start({ patientRef: 'p', input: { referral: { source: 'professional', indication: 'panic' } }, actor: { id: 'x', role: 'janitor' } });
  // @ts-expect-error an event type the journey does not have
  await engine.send('j-1', { type: 'referral.acceptd' }, { actor: coordinator });

  // Queries: phases and states are the definition's own.
  await engine.query({ phase: 'on-hold' });
  // @ts-expect-error a phase the journey does not have
  await engine.query({ phase: 'treatment' });
  await engine.query({ state: 'care.clinical.treatment.onHold' });
  // @ts-expect-error not a path from the root: the state is care.clinical.treatment.onHold
  await engine.query({ state: 'treatment.onHold' });
  const [summary] = await engine.query({ status: 'active' });
  expectTypeOf(summary!.phase).toEqualTypeOf<KetamineJourneyPhase>();

  // The journal: entry types and roles.
  const [entry] = await engine.history('j-1');
  expectTypeOf(entry!.type).toEqualTypeOf<KetamineEventType | KetamineTimerEventType | 'journey.start'>();
  expectTypeOf(entry!.actor.role).toEqualTypeOf<KetamineRole>();

  // Effects on the bus are typed from the machine's `emitted` type.
  engine.on('safety.alert', (notice) => {
    expectTypeOf(notice.payload.reason).toBeString();
    expectTypeOf(notice.payload.patientRef).toBeString();
    // @ts-expect-error a misspelt effect field
    void notice.payload.reasn;
  });
  engine.on('rems.formDue', (notice) => {
    expectTypeOf(notice.payload.sessionNumber).toBeNumber();
    // @ts-expect-error a misspelt effect field
    void notice.payload.sesionNumber;
  });
  engine.on('effect', (notice) => {
    if (notice.type === 'monitoring.checkDue') expectTypeOf(notice.payload.minute).toBeNumber();
  });
  // @ts-expect-error an effect the journey never emits
  engine.on('safety.alrt', () => undefined);

  // The protocol, with its defaults filled in.
  expectTypeOf(engine.protocol.timeZone).toBeString();

  // Plugins written for the definition see its events and send its events.
  definePlugin<Def>({
    name: 'typed',
    setup(api) {
      api.hooks.beforeEvent(({ event, actor }) => {
        expectTypeOf(event.type).toEqualTypeOf<KetamineEventType>();
        expectTypeOf(actor.role).toEqualTypeOf<KetamineRole>();
        return undefined;
      });
      api.hooks.afterCommit(async ({ journeyId, entry: committed }) => {
        if (committed.type === 'session.discharged') await api.send(journeyId, { type: 'referral.accepted' }, { actor: coordinator });
        // @ts-expect-error a plugin for this journey cannot send another journey's events
        await api.send(journeyId, { type: 'visit.book' }, { actor: coordinator });
      });
    },
  });
}

describe('types derived from the definition', () => {
  it('the helpers name the journey’s own roles, phases, events and states', () => {
    expectTypeOf<JourneyRoleFrom<Def>>().toEqualTypeOf<KetamineRole>();
    expectTypeOf<JourneyPhaseFrom<Def>>().toEqualTypeOf<KetamineJourneyPhase>();
    expectTypeOf<JourneyEventTypeFrom<Def>>().toEqualTypeOf<KetamineEventType>();
    expectTypeOf<JourneyEntryTypeFrom<Def>>().toEqualTypeOf<KetamineEventType | KetamineTimerEventType | 'journey.start'>();
    expectTypeOf<'care.clinical.treatment.onHold'>().toExtend<JourneyStatePathFrom<Def>>();
    expectTypeOf<'treatment.onHold'>().not.toExtend<JourneyStatePathFrom<Def>>();
    expectTypeOf<'safety.alert'>().toExtend<KetamineEffectType>();
    expect(typeof typeOnly).toBe('function');
  });

  it('at run time the engine refuses what the types reject, instead of finding nothing', async () => {
    for (const filter of [{ phase: 'treatment' }, { state: 'treatment.onHold' }]) {
      const error = await engine.query(filter as never).then(
        () => undefined,
        (e: CareJourneyError) => e,
      );
      expect(error?.code).toBe('CJ_ERR_INVALID_INPUT');
      expect(error?.details.issues?.[0]?.path).toBe(`filter.${Object.keys(filter)[0]}`);
    }
    expect(await engine.query({ phase: 'on-hold' })).toEqual([]);
    expect(await engine.query({ state: 'care.clinical.treatment.onHold' })).toEqual([]);
  });
});
