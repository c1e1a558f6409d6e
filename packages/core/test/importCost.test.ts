import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

// Counts the statecharts created through xstate's `setup(...).createMachine(...)`, the times the
// Temporal polyfill and node:crypto are imported, and the zod schemas the package's modules make
// while they load.
const created = vi.hoisted(() => ({ machines: 0, temporalPolyfill: 0, nodeCrypto: 0, zodCalls: [] as string[], loading: true }));
vi.mock('zod', async (importOriginal) => {
  const zod = await importOriginal<typeof import('zod')>();
  // Every schema starts with a factory of `z` (`z.string()`, `z.strictObject(...)`, ...); classes
  // (`z.ZodObject`) and namespaces stay as they are.
  const counted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(zod.z)) {
    counted[name] =
      typeof value === 'function' && /^[a-z]/.test(name)
        ? (...args: unknown[]) => {
            if (created.loading) created.zodCalls.push(name);
            return (value as (...a: unknown[]) => unknown)(...args);
          }
        : value;
  }
  return { ...zod, z: counted };
});
vi.mock('temporal-polyfill', async (importOriginal) => {
  created.temporalPolyfill++;
  return importOriginal();
});
// Loading node:crypto costs milliseconds; the package loads it on first use (src/nodeCrypto.ts).
vi.mock('node:crypto', async (importOriginal) => {
  created.nodeCrypto++;
  return importOriginal();
});
vi.mock('xstate', async (importOriginal) => {
  const xstate = await importOriginal<typeof import('xstate')>();
  const setup = ((config: Parameters<typeof xstate.setup>[0]) => {
    const made = xstate.setup(config);
    return {
      ...made,
      createMachine: (machineConfig: Parameters<typeof made.createMachine>[0]) => {
        created.machines++;
        return made.createMachine(machineConfig);
      },
    };
  }) as unknown as typeof xstate.setup;
  return { ...xstate, setup };
});

describe('importing @carejourney/core', () => {
  it('creates no statechart and builds none of the journey schemas', async () => {
    const core = await import('../src/index.js');
    created.loading = false;
    const { isBuilt } = await import('../src/lazyInstance.js');
    expect(created.machines).toBe(0);
    const lazy = {
      ketamineAnxietyJourney: core.ketamineAnxietyJourney,
      ketamineAnxietyMachine: core.ketamineAnxietyMachine,
      ketamineProtocolSchema: core.ketamineProtocolSchema,
      ketamineJourneyEvents: core.ketamineJourneyEvents,
      ketamineJourneyInputSchema: core.ketamineJourneyInputSchema,
      ketamineContextSchema: core.ketamineContextSchema,
    };
    for (const [name, value] of Object.entries(lazy)) expect(isBuilt(value), name).toBe(false);
  });

  it('builds none of the store record, duration, schedule and vocabulary schemas, and loads no Temporal polyfill', async () => {
    const core = await import('../src/index.js');
    const vocabulary = await import('../src/journey/vocabulary.js');
    const { isBuilt } = await import('../src/lazyInstance.js');
    const lazy = {
      journeyRecordSchema: core.journeyRecordSchema,
      outboxItemSchema: core.outboxItemSchema,
      persistedSnapshotSchema: core.persistedSnapshotSchema,
      actorSchema: core.actorSchema,
      durationSchema: core.durationSchema,
      scheduleBlockSchema: core.scheduleBlockSchema,
      routeSchema: vocabulary.routeSchema,
      contraindicationSchema: vocabulary.contraindicationSchema,
      adverseEventTermSchema: vocabulary.adverseEventTermSchema,
    };
    for (const [name, value] of Object.entries(lazy)) expect(isBuilt(value), name).toBe(false);
    expect(created.temporalPolyfill).toBe(0);
    expect(created.nodeCrypto).toBe(0);

    // Time in a zone needs no polyfill at all: the runtime's Intl has the zones.
    const nine = core.atLocalTime('2027-03-12', '09:00', 'America/New_York');
    expect(new Date(core.addLocalDays(nine, 3, 'America/New_York')).toISOString()).toBe('2027-03-15T13:00:00.000Z');
    expect(core.localParts(nine, 'America/New_York').offset).toBe('-05:00');
    expect(core.isTimeZone('Europe/Berlin')).toBe(true);
    expect(created.temporalPolyfill).toBe(0);

    // Each schema is built on first use and behaves as the schema itself.
    expect(core.journeyRecordSchema).toBeInstanceOf(z.ZodObject);
    expect(core.journeyRecordSchema.safeParse({}).success).toBe(false);
    expect(Object.keys(core.outboxItemSchema.shape)).toEqual(['id', 'journeyId', 'kind', 'type', 'payload', 'createdAt']);
    expect(core.durationSchema.parse({ hours: 2 })).toEqual({ hours: 2 });
    expect(core.toMillis({ hours: 2 })).toBe(7_200_000);
    expect(core.scheduleBlockSchema.safeParse({ weeks: 1, days: [3, 0] }).success).toBe(false);
    expect(z.array(core.actorSchema).parse([{ id: 'n-1', role: 'nurse' }])).toEqual([{ id: 'n-1', role: 'nurse' }]);
    expect(vocabulary.routeSchema.options).toEqual([...core.ROUTES]);
    for (const name of ['journeyRecordSchema', 'outboxItemSchema', 'actorSchema', 'durationSchema', 'scheduleBlockSchema', 'routeSchema'] as const) {
      expect(isBuilt(lazy[name]), name).toBe(true);
    }
    expect(isBuilt(core.persistedSnapshotSchema)).toBe(false);
  });

  it('makes no zod schema at all while loading: the store, commit and engine argument schemas stay unbuilt', async () => {
    const core = await import('../src/index.js');
    const { journeyCommitSchema } = await import('../src/store/journeyCommitSchema.js');
    const { actorInputSchema } = await import('../src/engine/validate.js');
    const records = await import('../src/store/records.js');
    const { identifierSchema } = await import('../src/validation/identifierSchema.js');
    const { isBuilt } = await import('../src/lazyInstance.js');
    // Private schemas (engine options, send and start options, delivery payloads, runDue and
    // recover options, plugin timers, replay options) are made by zod factories too.
    expect(created.zodCalls).toEqual([]);
    const lazy = {
      protocolRecordSchema: core.protocolRecordSchema,
      storeArgumentSchemas: core.storeArgumentSchemas,
      journeyCommitSchema,
      actorInputSchema,
      journalEntrySchema: records.journalEntrySchema,
      timerRowSchema: records.timerRowSchema,
      identifierSchema,
    };
    for (const [name, value] of Object.entries(lazy)) expect(isBuilt(value), name).toBe(false);

    // Each is built on first use and behaves as the schema (or object of schemas) it stands for.
    const ref = `sha256:${'a'.repeat(64)}`;
    expect(core.protocolRecordSchema).toBeInstanceOf(z.ZodObject);
    expect(core.protocolRecordSchema.parse({ ref, definitionId: 'ketamine-anxiety', protocol: {}, createdAt: '2027-01-01T00:00:00.000Z' }).ref).toBe(ref);
    expect(core.protocolRecordSchema.safeParse({ ref: 'sha256:x', definitionId: 'd', protocol: {}, createdAt: '' }).success).toBe(false);
    expect(Object.keys(core.storeArgumentSchemas)).toEqual(['load', 'findIdempotencyKey', 'readJournal', 'listTimers', 'dueTimers', 'pendingOutbox', 'markDelivered', 'loadProtocol', 'query']);
    expect(core.storeArgumentSchemas.dueTimers).toBeInstanceOf(z.ZodObject);
    expect(core.storeArgumentSchemas.dueTimers.safeParse({ now: 0, limit: 100 }).success).toBe(true);
    expect(core.storeArgumentSchemas.load.safeParse({ journeyId: null }).success).toBe(false);
    expect(() => core.checkStoreArguments('MyStore', 'load', { journeyId: '' })).toThrow(/MyStore\.load refused its arguments/);
    expect(actorInputSchema.safeParse({ id: 'n-1', role: 'nurse' }).success).toBe(true);
    expect(journeyCommitSchema.shape.timersToSet).toBeInstanceOf(z.ZodArray);
    expect(journeyCommitSchema.safeParse({}).success).toBe(false);
    for (const [name, value] of Object.entries(lazy)) expect(isBuilt(value), name).toBe(true);
  });

  it('builds each on first use, once per process, and they behave as before', async () => {
    const core = await import('../src/index.js');
    const { isBuilt } = await import('../src/lazyInstance.js');

    const protocol = core.defaultKetamineProtocol('Europe/Berlin');
    expect(isBuilt(core.ketamineProtocolSchema)).toBe(true);
    expect(protocol.routes['esketamine-nasal'].observationMinutes).toBe(120);
    expect(core.ketamineProtocolSchema.safeParse({ timeZone: 'Nowhere/City' }).success).toBe(false);
    expect(created.machines).toBe(0);

    const engines = [0, 1].map(() =>
      core.createEngine({ definition: core.ketamineAnxietyJourney, store: new core.MemoryStore(), protocol: { timeZone: 'UTC', acceptUnconfirmedDefaults: true } }),
    );
    expect(created.machines).toBe(1);
    const coordinator = { id: 'coord-1', role: 'coordinator' } as const;
    for (const engine of engines) {
      const view = await engine.start({
        patientRef: 'pt-1',
        actor: coordinator,
        input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },
      });
      const sent = await engine.send(view.id, { type: 'referral.accepted' }, { actor: coordinator });
      expect(sent.ok).toBe(true);
    }
    expect(created.machines).toBe(1);

    const definition = core.ketamineAnxietyJourney;
    expect(Object.isFrozen(definition)).toBe(true);
    expect(definition.kind).toBe('carejourney.definition');
    expect(definition.machine).toBe(definition.machine);
    expect(definition.machine.id).toBe('ketamineAnxiety');
    expect(definition.events).toBe(core.ketamineJourneyEvents);
    expect(Object.keys(core.ketamineJourneyEvents)).toEqual(Object.keys(core.ketamineEventDescriptions));
    expect(core.ketamineJourneyEvents['referral.accepted']).toBeInstanceOf(z.ZodObject);
    expect(core.ketamineJourneyInputSchema.safeParse({ referral: { source: 'self', indication: 'panic' } }).success).toBe(true);
    expect(core.ketamineContextSchema.safeParse({}).success).toBe(false);
    expect(core.toMermaid(core.ketamineAnxietyMachine)).toContain('referral');
    for (const value of [definition, core.ketamineAnxietyMachine, core.ketamineJourneyEvents, core.ketamineJourneyInputSchema, core.ketamineContextSchema]) {
      expect(isBuilt(value)).toBe(true);
    }
    expect(created.machines).toBe(1);
  });
});

describe('lazyInstance', () => {
  it('builds on the first operation only, and stands for the value', async () => {
    const { isBuilt, lazyInstance } = await import('../src/lazyInstance.js');
    let builds = 0;
    const schema = lazyInstance(() => {
      builds++;
      return z.strictObject({ n: z.number().int() });
    });
    expect(builds).toBe(0);
    expect(isBuilt(schema)).toBe(false);
    expect(schema).toBeInstanceOf(z.ZodObject);
    expect(schema.parse({ n: 1 })).toEqual({ n: 1 });
    expect(schema.safeParse({ n: 1.5 }).success).toBe(false);
    expect(schema.parse).toBe(schema.parse);
    expect(Object.keys(schema.shape)).toEqual(['n']);
    expect(z.array(schema).parse([{ n: 2 }])).toEqual([{ n: 2 }]);
    expect(builds).toBe(1);
    expect(isBuilt(schema)).toBe(true);
  });

  it('stands for a frozen value with a frozen copy', async () => {
    const { lazyInstance } = await import('../src/lazyInstance.js');
    const phase = (): string => 'referral';
    const value = lazyInstance(() => Object.freeze({ id: 'demo', phase }));
    expect(Object.isFrozen(value)).toBe(true);
    expect(value.phase).toBe(phase);
    expect({ ...value }).toEqual({ id: 'demo', phase });
    expect(() => {
      (value as { id: string }).id = 'other';
    }).toThrow(TypeError);
    expect(value.id).toBe('demo');
  });
});
