import { describe, expect, it } from 'vitest';
import { definePlugin, parsePluginOptions, type CareJourneyPlugin, type PluginErrorNotice } from '../src/index.js';
import { z } from 'zod';
import { actors } from './fixtures/visitJourney.js';
import { checkedInVisit, dump, must, visitEngine } from './helpers.js';

const noop = (name: string, dependencies: string[] = []): CareJourneyPlugin => definePlugin({ name, dependencies, setup() {} });

describe('plugin registration', () => {
  it('rejects an unknown hook name at registration', () => {
    const bad = definePlugin({
      name: 'typo',
      setup(api) {
        (api.hooks as unknown as Record<string, (h: () => void) => void>)['afterComit']!(() => undefined);
      },
    });
    expect(() => visitEngine({ plugins: [bad] })).toThrowError(expect.objectContaining({ code: 'CJ_ERR_PLUGIN', message: expect.stringContaining('unknown hook "afterComit"') }));
  });

  it('rejects a missing dependency and a dependency registered too late', () => {
    expect(() => visitEngine({ plugins: [noop('b', ['a'])] })).toThrowError(/depends on "a", which is not registered/);
    expect(() => visitEngine({ plugins: [noop('b', ['a']), noop('a')] })).toThrowError(/registered after it/);
    expect(() => visitEngine({ plugins: [noop('a'), noop('b', ['a'])] })).not.toThrow();
  });

  it('rejects duplicate names, invalid names, non-plugins and setup failures', () => {
    expect(() => visitEngine({ plugins: [noop('a'), noop('a')] })).toThrowError(/registered twice/);
    expect(() => visitEngine({ plugins: [noop('has space')] })).toThrowError(/not valid/);
    expect(() => visitEngine({ plugins: [{ name: 'x' } as never] })).toThrowError(/definePlugin/);
    const failing = definePlugin({
      name: 'boom',
      setup() {
        throw new Error('no config');
      },
    });
    expect(() => visitEngine({ plugins: [failing] })).toThrowError(/"boom" failed in setup: no config/);
  });

  it('validates plugin options with zod, naming the plugin and field', () => {
    const schema = z.strictObject({ leadMinutes: z.number().int().positive() });
    expect(() => parsePluginOptions('reminders', schema, { leadMinutes: -5 })).toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG', message: expect.stringMatching(/Plugin "reminders" has invalid options: options.leadMinutes/) }),
    );
    expect(parsePluginOptions('reminders', schema, { leadMinutes: 5 })).toEqual({ leadMinutes: 5 });
  });
});

describe('veto hooks are fail-fast', () => {
  it('a veto refuses the event with the plugin and its reason, changing nothing', async () => {
    const veto = definePlugin({
      name: 'formulary',
      setup(api) {
        api.hooks.beforeEvent(({ event }) => (event.type === 'dose.given' && event['lot'] === 'RECALLED' ? { refuse: 'lot RECALLED is under recall' } : undefined));
      },
    });
    const { engine, store } = visitEngine({ plugins: [veto] });
    const id = await checkedInVisit(engine);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    const before = await dump(store, id);
    const r = await engine.send(id, { type: 'dose.given', mg: 40, lot: 'RECALLED' }, { actor: actors.nurse });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_VETOED');
    expect(!r.ok && r.error.details).toMatchObject({ plugin: 'formulary', reason: 'lot RECALLED is under recall' });
    expect(await dump(store, id)).toEqual(before);
    await must(engine.send(id, { type: 'dose.given', mg: 40, lot: 'L-2' }, { actor: actors.nurse }));
  });

  it('a veto hook that throws refuses the event (CJ_ERR_PLUGIN) rather than letting it through', async () => {
    const broken = definePlugin({
      name: 'broken-check',
      setup(api) {
        api.hooks.beforeEvent(() => {
          throw new Error('lookup failed');
        });
      },
    });
    const { engine, store } = visitEngine({ plugins: [broken] });
    const view = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    const before = await dump(store, view.id);
    const r = await engine.send(view.id, { type: 'consent.recorded' }, { actor: actors.physician });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_PLUGIN');
    expect(!r.ok && r.error.message).toContain('"broken-check" failed while checking it (lookup failed)');
    expect(await dump(store, view.id)).toEqual(before);
  });

  it('enrichment is validated against the event schema', async () => {
    const enrich = (extra: Record<string, unknown>) =>
      definePlugin({
        name: 'enricher',
        setup(api) {
          api.hooks.beforeEvent(({ event }) => (event.type === 'visit.cancel' ? { enrich: extra } : undefined));
        },
      });
    const good = visitEngine({ plugins: [enrich({ reason: 'clinic closed' })] });
    const id = (await good.engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator })).id;
    await must(good.engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(good.engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    const ok = await must(good.engine.send(id, { type: 'visit.cancel' }, { actor: actors.coordinator }));
    expect(ok.entry.payload).toEqual({ reason: 'clinic closed' });

    const bad = visitEngine({ plugins: [enrich({ unknownField: 1 })] });
    const id2 = (await bad.engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator })).id;
    await must(bad.engine.send(id2, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(bad.engine.send(id2, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    const before = await dump(bad.store, id2);
    const r = await bad.engine.send(id2, { type: 'visit.cancel' }, { actor: actors.coordinator });
    expect(!r.ok && r.error.code).toBe('CJ_ERR_INVALID_EVENT');
    expect(await dump(bad.store, id2)).toEqual(before);
  });
});

describe('notification hooks are isolated', () => {
  it('a throwing afterCommit hook is reported as plugin.error; other plugins and the journey go on', async () => {
    const seen: string[] = [];
    const thrower = definePlugin({
      name: 'thrower',
      setup(api) {
        api.hooks.afterCommit(() => {
          throw new Error('sms gateway down');
        });
        api.hooks.onEffect(() => {
          throw new Error('effect handler down');
        });
      },
    });
    const recorder = definePlugin({
      name: 'recorder',
      setup(api) {
        api.hooks.afterCommit(({ entry }) => void seen.push(entry.type));
      },
    });
    const { engine, store } = visitEngine({ plugins: [thrower, recorder] });
    const errors: PluginErrorNotice[] = [];
    engine.on('plugin.error', (e) => errors.push(e));
    const id = await checkedInVisit(engine);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    await must(engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse }));
    expect(seen).toEqual(['journey.start', 'consent.recorded', 'visit.book', 'patient.arrived', 'vitals.recorded', 'dose.given']);
    expect(errors.filter((e) => e.hook === 'afterCommit')).toHaveLength(6);
    expect(errors.find((e) => e.hook === 'onEffect')).toMatchObject({ plugin: 'thrower', message: 'effect handler down', journeyId: id });
    expect((await engine.get(id)).stateLabel).toBe('observing');
    expect(await store.pendingOutbox(100)).toEqual([]);
  });

  it('a throwing bus listener is isolated too', async () => {
    const { engine } = visitEngine();
    const errors: PluginErrorNotice[] = [];
    engine.on('plugin.error', (e) => errors.push(e));
    engine.on('transition', () => {
      throw new Error('listener bug');
    });
    const view = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    expect(view.stateLabel).toBe('referral');
    expect(errors).toMatchObject([{ plugin: 'listener', message: 'listener bug' }]);
  });

  it('emitted effects reach listeners by their own name and plugins through onEffect', async () => {
    const effects: string[] = [];
    const plugin = definePlugin({
      name: 'alerts',
      setup(api) {
        api.hooks.onEffect(({ type, payload }) => void effects.push(`${type}:${JSON.stringify(payload)}`));
      },
    });
    const { engine } = visitEngine({ plugins: [plugin] });
    const alerts: unknown[] = [];
    engine.on('safety.alert', (n) => alerts.push(n.payload));
    const id = await checkedInVisit(engine);
    await must(engine.send(id, { type: 'vitals.recorded', systolic: 120, diastolic: 80 }, { actor: actors.nurse }));
    await must(engine.send(id, { type: 'dose.given', mg: 40, lot: 'L1' }, { actor: actors.nurse }));
    await must(engine.send(id, { type: 'adverse.event', severity: 'serious' }, { actor: actors.nurse }));
    expect(alerts).toEqual([{ severity: 'serious' }]);
    expect(effects).toEqual(['dose.recorded:{"doses":1}', 'safety.alert:{"severity":"serious"}']);
  });
});

describe('plugin api', () => {
  it('api.send from a hook is queued and applied after the current event, never re-entrantly', async () => {
    const order: string[] = [];
    const autoArrive = definePlugin({
      name: 'auto-arrive',
      setup(api) {
        api.hooks.afterCommit(async ({ entry, journeyId }) => {
          order.push(`after:${entry.type}`);
          if (entry.type === 'visit.book') {
            const pending = api.send(journeyId, { type: 'patient.arrived' }, { actor: { id: 'kiosk', role: 'nurse' } });
            order.push('queued');
            const result = await pending;
            order.push(`applied:${result.ok}`);
          }
        });
      },
    });
    const { engine } = visitEngine({ plugins: [autoArrive] });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    const booked = await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    expect(booked.view.stateLabel).toBe('booked');
    expect(order).toEqual(['after:journey.start', 'after:consent.recorded', 'after:visit.book', 'queued', 'after:patient.arrived', 'applied:true']);
    expect((await engine.get(id)).stateLabel).toBe('checkedIn');
  });

  it('plugin timers are durable, fire once through onTimer, and can be cancelled', async () => {
    const fired: { key: string; payload: unknown; deliveryId: string }[] = [];
    const reminders = definePlugin({
      name: 'reminders',
      setup(api) {
        api.hooks.afterCommit(async ({ entry, journeyId }) => {
          if (entry.type === 'visit.book') {
            await api.timers.schedule({ journeyId, key: 'day-before', dueAt: Date.parse('2026-01-05T10:00:00Z'), payload: { channel: 'sms' } });
            await api.timers.schedule({ journeyId, key: 'cancel-me', dueAt: Date.parse('2026-01-05T11:00:00Z') });
            await api.timers.cancel(journeyId, 'cancel-me');
          }
        });
        api.hooks.onTimer(({ key, payload, deliveryId }) => void fired.push({ key, payload, deliveryId }));
      },
    });
    const { engine, clock, store } = visitEngine({ plugins: [reminders] });
    const { id } = await engine.start({ patientRef: 'p', input: {}, actor: actors.coordinator });
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    await must(engine.send(id, { type: 'visit.book', slot: '2026-01-06T10:00:00Z' }, { actor: actors.coordinator }));
    expect((await engine.get(id)).timers.map((t) => t.key)).toEqual(['plugin:reminders:day-before', 'machine:xstate.after.noShowDelay.visit.booked']);
    expect(await engine.runDue()).toEqual([]);
    clock.advanceTo('2026-01-05T12:00:00Z');
    const due = await engine.runDue();
    expect(due).toEqual([{ journeyId: id, key: 'plugin:reminders:day-before', owner: 'reminders', dueAt: '2026-01-05T10:00:00.000Z' }]);
    expect(fired).toEqual([{ key: 'day-before', payload: { channel: 'sms' }, deliveryId: expect.any(String) }]);
    expect(await engine.runDue()).toEqual([]);
    expect(fired).toHaveLength(1);
    expect((await store.listTimers(id)).map((t) => t.owner)).toEqual(['machine']);
  });
});
