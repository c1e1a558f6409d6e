import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getStateNodes } from 'xstate/graph';
import { eventCatalogue, KETAMINE_TIMER_EVENTS, ketamineAnxietyJourney, ketamineJourneyDocs, ketamineJourneyEvents, toMermaid } from '../../src/index.js';

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
    expect(lines).toContain('  care_clinical_treatment_onHold --> care_clinical_treatment_course_resume : hold.reviewed [decisionIsResume]');
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
    // Withdrawal is open in referral and care; with esketamine REMS forms outstanding it waits for them.
    expect(catalogue.find((e) => e.type === 'journey.withdrawn')?.transitions).toEqual([
      { state: 'referral', guard: null, target: 'closed' },
      { state: 'care', guard: 'remsFormsOutstandingAtEnd', target: 'closedAwaitingRemsForms' },
      { state: 'care', guard: null, target: 'closed' },
    ]);
    expect(catalogue.find((e) => e.type === 'rems.formSubmitted')?.transitions).toEqual([
      { state: 'care', guard: 'remsFormPending', target: null },
      { state: 'discontinuedAwaitingRemsForms', guard: 'remsFormPending', target: null },
      { state: 'closedAwaitingRemsForms', guard: 'remsFormPending', target: null },
    ]);
  });

  it('lists the timer events the machine handles, and only those', () => {
    const timers = catalogue.filter((e) => e.timer);
    expect(timers.map((e) => e.type).sort()).toEqual(Object.keys(KETAMINE_TIMER_EVENTS).sort());
    for (const e of timers) expect(e.roles).toEqual(['system']);
  });
});
