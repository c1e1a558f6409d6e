import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getStateNodes } from 'xstate/graph';
import {
  defaultKetamineProtocol,
  eventCatalogue,
  KETAMINE_RULE_PARAMETERS,
  KETAMINE_TIMER_EVENTS,
  ketamineAnxietyJourney,
  ketamineJourneyDocs,
  ketamineJourneyEvents,
  ketamineJourneyRules,
  ketamineRoutingConditions,
  ROUTES,
  toMermaid,
  type KetamineJourneyContext,
} from '../../src/index.js';
import { formatConstant, formatSetting } from '../../src/journey/ketamineJourneyDocs.js';
import { KETAMINE_RULE_CONSTANTS, type RuleConstant } from '../../src/journey/ruleConstants.js';
import { completeScreening, Harness, linkTherapy, noContraindications, observeAndDischarge, planAndStart, plannedAmountMg } from './harness.js';
import { eventSamples } from './eventSamples.js';

const docsPath = fileURLToPath(new URL('../../../../docs/journey.md', import.meta.url));

describe('docs/journey.md', () => {
  it('is current: regenerate it with `pnpm diagram` after changing the journey', () => {
    const committed = readFileSync(docsPath, 'utf8');
    expect(committed === ketamineJourneyDocs(), 'docs/journey.md is out of date: run `pnpm diagram`').toBe(true);
  });
});

describe('toMermaid', () => {
  const diagram = toMermaid(ketamineAnxietyJourney.machine);
  const lines = diagram.split('\n');

  it('declares every state once, with a unique id, and separates the parallel regions', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
    const nodes = getStateNodes(ketamineAnxietyJourney.machine.root).filter((n) => n.path.length > 0);
    const ids = nodes.map((n) => n.path.join('_'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const n of nodes) {
      const id = n.path.join('_');
      const declared = n.path.length === 1 ? lines.some((l) => l.includes(id)) : lines.some((l) => l.trim() === `state "${n.type === 'history' ? 'H' : n.key}" as ${id}`);
      expect(declared, id).toBe(true);
    }
    const care = lines.findIndex((l) => l.trim() === 'state care {');
    expect(lines.slice(care).some((l) => l.trim() === '--')).toBe(true);
    expect(lines).toContain('  [*] --> referral');
  });

  it('draws the transitions with their events and guards', () => {
    expect(lines).toContain(
      '  care_clinical_treatment_course_induction_session_preDose --> care_clinical_treatment_course_induction_session_dosed : dose.recorded [preDoseChecksPassed]',
    );
    expect(lines).toContain('  care_clinical_treatment_onHold --> care_clinical_treatment_course_resume : hold.reviewed [and(decisionIsResume, resumePlanValid)]');
    // A dosed session ends only by discharge or a recorded transfer; a pending ending or hold takes effect after it.
    const fromDosed = lines.filter((l) => l.trim().startsWith('care_clinical_treatment_course_induction_session_dosed -->'));
    expect(fromDosed.map((l) => l.split(' : ')[1])).toEqual(['session.discharged [dischargeCriteriaMet]', 'session.escalated']);
    expect(lines).toContain('  care_clinical_treatment_course_induction_session_ended --> discontinued : always [pendingDiscontinuation]');
    expect(lines).toContain('  care --> closed : journey.withdrawn');
    expect(lines).toContain('  care --> closedAwaitingRemsForms : journey.withdrawn [remsFormsOutstandingAtEnd]');
    expect(lines).toContain('  closedAwaitingRemsForms --> closed : always [noRemsFormOutstanding]');
    expect(lines).toContain('  discontinuedAwaitingRemsForms --> discontinued : always [noRemsFormOutstanding]');
    expect(lines).toContain('  completed --> [*]');
  });
});

describe('eventCatalogue', () => {
  const catalogue = eventCatalogue(ketamineAnxietyJourney, { timerEvents: KETAMINE_TIMER_EVENTS });

  it('lists every event with its roles, payload fields and the states that allow it', () => {
    const hostEvents = catalogue.filter((e) => !e.timer);
    expect(hostEvents.map((e) => e.type)).toEqual(Object.keys(ketamineJourneyEvents));
    for (const e of hostEvents) {
      expect(e.description.length, e.type).toBeGreaterThan(10);
      expect(e.roles.length, e.type).toBeGreaterThan(0);
      // Every event the host may send has a transition somewhere.
      expect(e.transitions.length, e.type).toBeGreaterThan(0);
    }
    const dose = catalogue.find((e) => e.type === 'dose.recorded');
    expect(dose?.fields.find((f) => f.name === 'amountMg')).toEqual({ name: 'amountMg', required: true, type: 'number > 0, <= 1000' });
    expect(dose?.transitions.map((t) => t.guard)).toEqual(['preDoseChecksPassed', 'preDoseChecksPassed']);
    // Withdrawal is open in referral and care; with esketamine REMS forms outstanding it waits for them;
    // during a dosed session it is recorded and applied once the session ends.
    expect(catalogue.find((e) => e.type === 'journey.withdrawn')?.transitions).toEqual([
      { state: 'referral', guard: null, target: 'closed' },
      { state: 'care', guard: 'remsFormsOutstandingAtEnd', target: 'closedAwaitingRemsForms' },
      { state: 'care', guard: null, target: 'closed' },
      { state: 'care.clinical.treatment.course.induction.session.dosed', guard: null, target: null },
      { state: 'care.clinical.treatment.course.maintenance.session.dosed', guard: null, target: null },
    ]);
    expect(catalogue.find((e) => e.type === 'rems.formSubmitted')?.transitions).toEqual([
      { state: 'care', guard: 'remsFormPending', target: null },
      { state: 'discontinuedAwaitingRemsForms', guard: 'remsFormPending', target: null },
      { state: 'closedAwaitingRemsForms', guard: 'remsFormPending', target: null },
    ]);
  });

  it('names every guard the diagram shows in the rules or routing conditions, with the protocol settings it reads', () => {
    const guards = new Set<string>();
    for (const line of toMermaid(ketamineAnxietyJourney.machine).split('\n')) {
      const m = /\[(.+)\]$/.exec(line);
      if (m?.[1]) for (const name of m[1].replace(/^(and|or|not)\(|\)$/g, '').split(/, |\(|\)/)) if (/^[a-zA-Z]+$/.test(name) && !['and', 'or', 'not'].includes(name)) guards.add(name);
    }
    const documented = new Set([...Object.keys(ketamineJourneyRules), ...Object.keys(ketamineRoutingConditions)]);
    expect([...guards].filter((g) => !documented.has(g))).toEqual([]);
    const docs = ketamineJourneyDocs();
    for (const name of documented) {
      expect(docs, name).toContain(`| \`${name}\` |`);
      expect(Object.keys(KETAMINE_RULE_PARAMETERS), name).toContain(name);
    }
  });

  it('shows every number a rule uses, per route, in the generated settings table', () => {
    const protocol = defaultKetamineProtocol();
    const docs = ketamineJourneyDocs();
    const read = (value: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value);
    let checked = 0;
    for (const paths of Object.values(KETAMINE_RULE_PARAMETERS)) {
      for (const path of paths) {
        if (path.startsWith('route.')) {
          const row = docs.split('\n').find((l) => l.startsWith(`| \`${path}\` |`));
          expect(row, path).toBeDefined();
          const cells = row?.split(' | ').slice(1, 1 + ROUTES.length) ?? [];
          ROUTES.forEach((route, i) => {
            const value = read(protocol.routes[route], path.slice('route.'.length));
            if (typeof value === 'object' && value !== null && !Array.isArray(value)) return;
            expect(cells[i]?.startsWith(formatSetting(value)), `${path} ${route}`).toBe(true);
            checked++;
          });
        } else {
          const value = read(protocol, path);
          if (typeof value === 'number') expect(docs, path).toContain(`| \`${path}\` | ${value}`);
          expect(docs, path).toContain(`| \`${path.split('.')[0]}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('lists every fixed number with its value, and each rule’s fixed numbers in its row', () => {
    const docs = ketamineJourneyDocs();
    const lines = docs.split('\n');
    const constants = Object.entries(KETAMINE_RULE_CONSTANTS) as [string, RuleConstant][];
    expect(constants.length).toBeGreaterThan(5);
    for (const [name, c] of constants) {
      expect(lines.some((l) => l.startsWith(`| \`${name}\` | ${formatConstant(c)} |`)), `${name} in the fixed-numbers table`).toBe(true);
      for (const rule of c.usedBy) {
        if (rule === 'protocol') continue;
        const row = lines.find((l) => l.startsWith(`| \`${rule}\` | context |`) || l.startsWith(`| \`${rule}\` | event payload |`));
        expect(row, `${rule} row`).toBeDefined();
        expect(row, `${rule} lists ${name}`).toContain(`\`${name}\` = ${formatConstant(c)}`);
      }
    }
  });

  it('a rule’s description cites only numbers its row lists: its fixed numbers or the defaults of its settings', () => {
    const protocol = defaultKetamineProtocol();
    const read = (path: string): unknown[] => {
      const at = (root: unknown, parts: string[]) => parts.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
      return path.startsWith('route.') ? ROUTES.map((r) => at(protocol.routes[r], path.slice(6).split('.'))) : [at(protocol, path.split('.'))];
    };
    const numbersOf = (values: unknown[]): number[] => values.flatMap((v) => (typeof v === 'number' ? [v] : Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []));
    for (const [name, rule] of Object.entries(ketamineJourneyRules)) {
      const cited = [...rule.description.matchAll(/(?<![\w.])\d+(\.\d+)?(?!\w)/g)].map((m) => Number(m[0]));
      const constants = Object.values(KETAMINE_RULE_CONSTANTS as Record<string, RuleConstant>).filter((c) => (c.usedBy as readonly string[]).includes(name));
      const listed = new Set([...numbersOf(constants.map((c) => c.value)), ...numbersOf((KETAMINE_RULE_PARAMETERS[name as keyof typeof KETAMINE_RULE_PARAMETERS] ?? []).flatMap(read))]);
      expect(cited.filter((n) => !listed.has(n)), `${name}: "${rule.description}"`).toEqual([]);
    }
  });

  it('the rules’ code has no bare numbers: every number is a protocol setting, a named constant or a unit', () => {
    // Unit and formatting numbers only: 0 and 1, 2 (an index, two-digit minutes), 60 (minutes in an
    // hour, for "1 h 05 min"), 100 (rounding mg to two decimals), 1e-9 (comparing whole devices).
    const allowed = new Set(['0', '1', '2', '60', '100', '1e-9']);
    const files = ['guards.ts', 'queries.ts', 'routingConditions.ts', 'stopRules.ts'];
    const found: string[] = [];
    for (const file of files) {
      const source = readFileSync(fileURLToPath(new URL(`../../src/journey/${file}`, import.meta.url)), 'utf8');
      for (const [line, code] of codeLines(source)) {
        for (const m of code.matchAll(/(?<![\w.$])\d[\d_]*(\.\d+)?(e-?\d+)?(?![\w$])/g)) if (!allowed.has(m[0])) found.push(`${file}:${line}: ${m[0]} in ${code.trim()}`);
      }
    }
    expect(found, 'a bare number in a rule: make it a protocol setting or a named constant (ruleConstants.ts) listed in docs/journey.md').toEqual([]);
  });

  it('KETAMINE_RULE_PARAMETERS lists every protocol setting each rule and condition reads', async () => {
    const reads = new Map<string, Set<string>>();
    const contexts = await journeyContexts();
    const events = [
      { type: 'probe' },
      ...Object.entries(eventSamples).map(([type, payload]) => ({ type, ...payload })),
      { type: 'session.observationElapsed', sessionNumber: 1 },
      { type: 'session.noShow', sessionNumber: 1 },
      { type: 'monitoring.vitalsOverdue', sessionNumber: 1 },
      { type: 'therapy.lapsed' },
      // Variants that reach the rules' other branches.
      { type: 'plan.recorded', ...eventSamples['plan.recorded'], observationMinutes: 30 },
      { type: 'monitoring.vitalsRecorded', ...eventSamples['monitoring.vitalsRecorded'], takenAt: '2026-03-09T12:00:00Z' },
      { type: 'monitoring.vitalsRecorded', ...eventSamples['monitoring.vitalsRecorded'], takenAt: '2026-03-09T08:00:00Z' },
      { type: 'session.missedReviewed', worsening: true, decision: 'return-to-previous-schedule', nextSessionAt: '2026-03-14T09:00:00Z' },
      { type: 'hold.reviewed', decision: 'resume', reason: 'Reviewed', nextSessionAt: '2026-03-14T09:00:00Z' },
      { type: 'response.decided', decision: 'extend-induction', reason: 'Partial response', additionalSessions: 2, firstSessionAt: '2026-03-14T09:00:00Z' },
    ];
    const checks: [string, (context: KetamineJourneyContext, event: Record<string, unknown>) => unknown][] = [
      ...Object.entries(ketamineJourneyRules).map(([name, rule]): [string, (context: KetamineJourneyContext, event: Record<string, unknown>) => unknown] => [name, (context, event) => rule.check({ context, event } as never)]),
      ...Object.entries(ketamineRoutingConditions).map(([name, c]): [string, (context: KetamineJourneyContext, event: Record<string, unknown>) => unknown] => [name, (context, event) => c.check(context, event as never)]),
    ];
    for (const [name, check] of checks) {
      const seen = new Set<string>();
      reads.set(name, seen);
      for (const { context, now } of contexts) {
        // One recording copy of the protocol per rule and context: copying it for every call
        // made this test take a minute on two cores. Rules read the protocol and never write it.
        const probed = { ...context, protocol: recording(context.protocol, seen) };
        for (const event of events) {
          for (const at of [now, now + 150 * 60_000]) {
            for (const role of ['physician', 'patient']) {
              try {
                check(probed, { ...event, at, actor: { id: 'x', role } });
              } catch {
                // A rule that throws counts as not met; what it read before is recorded.
              }
            }
          }
        }
      }
    }
    const undeclared: string[] = [];
    let total = 0;
    for (const [name, seen] of reads) {
      const declared = KETAMINE_RULE_PARAMETERS[name as keyof typeof KETAMINE_RULE_PARAMETERS] ?? [];
      for (const path of seen) {
        total++;
        if (!declared.some((d) => path === d || path.startsWith(`${d}.`))) undeclared.push(`${name} reads ${path}`);
      }
    }
    expect(total, 'the rules were exercised').toBeGreaterThan(60);
    expect(undeclared, 'add them to KETAMINE_RULE_PARAMETERS (ruleParameters.ts)').toEqual([]);
    // And every setting listed is read, directly or through what the journey copied from it.
    const unread: string[] = [];
    for (const [name, seen] of reads) {
      for (const d of KETAMINE_RULE_PARAMETERS[name as keyof typeof KETAMINE_RULE_PARAMETERS] ?? []) {
        if (![...seen].some((p) => p === d || p.startsWith(`${d}.`)) && !READ_THROUGH_THE_JOURNEY.has(`${name} ${d}`)) unread.push(`${name} never read ${d}`);
      }
    }
    expect(unread, 'remove them from KETAMINE_RULE_PARAMETERS, or reach them here').toEqual([]);
  }, 60_000);

  it('lists the timer events the machine handles, and only those', () => {
    const timers = catalogue.filter((e) => e.timer);
    expect(timers.map((e) => e.type).sort()).toEqual(Object.keys(KETAMINE_TIMER_EVENTS).sort());
    for (const e of timers) expect(e.roles).toEqual(['system']);
  });
});

describe('docs/safety.md', () => {
  const safety = readFileSync(fileURLToPath(new URL('../../../../docs/safety.md', import.meta.url)), 'utf8');

  it('numbers the invariants S1 to S13', () => {
    for (let i = 1; i <= 13; i++) expect(safety, `S${i}`).toContain(`**S${i}. `);
    expect(safety).not.toContain('**S14. ');
  });

  it('names only rules and conditions the journey has', () => {
    const named = [...safety.matchAll(/(?:[Rr]ules?|[Cc]ondition) `([a-zA-Z]+)`(?:, `([a-zA-Z]+)`)?/g)].flatMap((m) => [m[1], m[2]]).filter((n): n is string => n !== undefined);
    expect(named.length).toBeGreaterThan(10);
    const known = new Set([...Object.keys(ketamineJourneyRules), ...Object.keys(ketamineRoutingConditions)]);
    expect(named.filter((n) => !known.has(n))).toEqual([]);
  });
});

/** The code of a TypeScript source, line by line, without comments and without the text of strings (template expressions kept). */
function codeLines(source: string): [number, string][] {
  let out = '';
  let i = 0;
  const stack: ('code' | 'template')[] = ['code'];
  const braces: number[] = [0];
  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    const mode = stack[stack.length - 1];
    if (mode === 'template') {
      if (ch === '`') {
        stack.pop();
        braces.pop();
        out += ' ';
        i++;
      } else if (ch === '$' && next === '{') {
        stack.push('code');
        braces.push(0);
        out += ' ';
        i += 2;
      } else {
        out += ch === '\n' ? '\n' : ' ';
        i += ch === '\\' ? 2 : 1;
      }
      continue;
    }
    if (ch === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      out += source.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== ch) j += source[j] === '\\' ? 2 : 1;
      out += ' ';
      i = j + 1;
    } else if (ch === '`') {
      stack.push('template');
      braces.push(0);
      out += ' ';
      i++;
    } else if (ch === '/' && /[=(,:!&|?{};\n]\s*$/.test(out.slice(-20))) {
      // A regular expression literal.
      let j = i + 1;
      while (j < source.length && source[j] !== '/') j += source[j] === '\\' ? 2 : 1;
      out += ' ';
      i = j + 1;
    } else {
      if (ch === '{') braces[braces.length - 1]!++;
      if (ch === '}') {
        if (braces[braces.length - 1] === 0 && stack.length > 1) {
          stack.pop();
          braces.pop();
          out += ' ';
          i++;
          continue;
        }
        braces[braces.length - 1]!--;
      }
      out += ch;
      i++;
    }
  }
  return out.split('\n').map((line, n) => [n + 1, line] as [number, string]).filter(([, line]) => line.trim() !== '');
}

/** Settings a rule reads through what the journey copied from them, not through the protocol. */
const READ_THROUGH_THE_JOURNEY = new Set([
  // session.observationMinutes: the route's (or the plan's longer) observation, copied at the dose.
  'observationTimeReached route.observationMinutes',
  'dischargeCriteriaMet route.observationMinutes',
  // plan.primaryInstrument: the protocol's instrument for the indication, copied into the plan.
  'primaryFollowUpRecorded response.primaryInstrument',
]);

/** The protocol, recording every setting read through it (route settings as `route.*`). */
function recording(protocol: KetamineJourneyContext['protocol'], reads: Set<string>): KetamineJourneyContext['protocol'] {
  const name = (path: readonly string[]) => (path[0] === 'routes' && path.length > 2 ? `route.${path.slice(2).join('.')}` : path.join('.'));
  const wrap = (value: object, path: readonly string[]): object =>
    new Proxy(value, {
      get(target, key, receiver) {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return v;
        const at = [...path, key];
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) return wrap(v, at);
        if (!(path.length === 1 && path[0] === 'routes')) reads.add(name(at));
        return v;
      },
    });
  // Engines freeze the protocols they hand out; a proxy of a frozen object must return its own
  // values, so it wraps a copy.
  return wrap(structuredClone(protocol), []) as KetamineJourneyContext['protocol'];
}

/** Contexts of real journeys at each step of a course (intake, waiting, pre-dose, dosed, after observation, after discharge). */
async function journeyContexts(): Promise<{ context: KetamineJourneyContext; now: number }[]> {
  const out: { context: KetamineJourneyContext; now: number }[] = [];
  const snap = async (h: Harness) => out.push({ context: await h.context(), now: h.now });
  for (const route of ['iv', 'esketamine-nasal', 'sublingual-home'] as const) {
    const home = route === 'sublingual-home';
    const staff = home ? 'patient' : 'nurse';
    const h = await Harness.start({ indication: route === 'iv' ? 'social-anxiety' : 'generalized-anxiety' });
    await snap(h);
    await completeScreening(h, route === 'iv' ? { primary: { instrument: 'LSAS', total: 80 } } : {});
    if (route === 'iv') await h.send('screening.contraindicationsRecorded', { answers: { ...noContraindications(), glaucoma: true } }, 'nurse');
    await snap(h);
    await planAndStart(h, route, '2026-03-09T09:00:00Z');
    if (route === 'iv') await linkTherapy(h);
    await snap(h);
    await h.advanceTo('2026-03-09T08:40:00Z');
    await snap(h);
    await h.send('session.checkedIn', {}, home ? 'patient' : 'coordinator');
    await h.send('predose.fastingConfirmed', { lastFoodAt: '2026-03-09T03:00:00Z', lastLiquidAt: '2026-03-09T07:00:00Z', lastNasalSteroidOrDecongestantAt: '2026-03-09T06:00:00Z' }, staff);
    if (home) await h.send('predose.trustedAdultConfirmed', { aged18OrOver: true, presentWholeSession: true, withinVoiceRange: true, canCallCareTeamOrEmergency: true }, 'patient');
    else await h.send('predose.transportConfirmed', { responsibleAdultConfirmed: true, mode: 'car-driven-by-adult' }, 'coordinator');
    await h.send('predose.vitalsRecorded', { systolic: 150, diastolic: 92, heartRate: 74, spo2: 98 }, staff);
    await snap(h);
    await h.send('predose.bpOverridden', { reason: 'Weighed risk and benefit' }, 'physician');
    await h.send('predose.contraindicationsChecked', { newFindings: ['new-medication'] }, staff);
    await h.send('predose.findingCleared', { reason: 'No interaction' }, 'physician');
    await h.send('predose.medicationsConfirmed', { classes: ['antidepressant'], changedSinceLastSession: false }, staff);
    await snap(h);
    const before = await h.context();
    await h.send(
      'dose.recorded',
      {
        medication: route === 'esketamine-nasal' ? 'esketamine' : 'racemic-ketamine',
        amountMg: plannedAmountMg(before, 1),
        ...(route === 'esketamine-nasal' ? { devices: 2 } : {}),
        lot: 'L-1',
        administration: home ? 'self-administered-at-home' : route === 'esketamine-nasal' ? 'self-administered-supervised' : 'staff-administered',
      },
      staff,
    );
    await h.advance(10);
    await h.send('monitoring.vitalsRecorded', { systolic: 190, diastolic: 112, heartRate: 130, spo2: 93 }, staff);
    await snap(h);
    await h.advance(6);
    await h.send('monitoring.vitalsRecorded', { systolic: 186, diastolic: 111, heartRate: 128, spo2: 94 }, staff);
    await snap(h);
    await h.advance(30);
    await h.send('monitoring.vitalsRecorded', { systolic: 128, diastolic: 82, heartRate: 80, spo2: 96 }, staff);
    await snap(h);
    await observeAndDischarge(h);
    await snap(h);
  }
  return out;
}
