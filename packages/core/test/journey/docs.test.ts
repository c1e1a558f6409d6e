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
} from '../../src/index.js';
import { formatSetting } from '../../src/journey/ketamineJourneyDocs.js';

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

  it('lists the timer events the machine handles, and only those', () => {
    const timers = catalogue.filter((e) => e.timer);
    expect(timers.map((e) => e.type).sort()).toEqual(Object.keys(KETAMINE_TIMER_EVENTS).sort());
    for (const e of timers) expect(e.roles).toEqual(['system']);
  });
});

describe('docs/safety.md', () => {
  const safety = readFileSync(fileURLToPath(new URL('../../../../docs/safety.md', import.meta.url)), 'utf8');

  it('numbers the invariants S1 to S12', () => {
    for (let i = 1; i <= 12; i++) expect(safety, `S${i}`).toContain(`**S${i}. `);
  });

  it('names only rules and conditions the journey has', () => {
    const named = [...safety.matchAll(/(?:[Rr]ules?|[Cc]ondition) `([a-zA-Z]+)`(?:, `([a-zA-Z]+)`)?/g)].flatMap((m) => [m[1], m[2]]).filter((n): n is string => n !== undefined);
    expect(named.length).toBeGreaterThan(10);
    const known = new Set([...Object.keys(ketamineJourneyRules), ...Object.keys(ketamineRoutingConditions)]);
    expect(named.filter((n) => !known.has(n))).toEqual([]);
  });
});
