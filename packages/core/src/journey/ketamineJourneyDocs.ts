import { eventCatalogue, type CatalogueEntry } from './eventCatalogue.js';
import { KETAMINE_TIMER_EVENTS } from './events.js';
import { ketamineAnxietyJourney } from './ketamineAnxietyJourney.js';
import { defaultKetamineProtocol, type ScheduleBlock } from './protocol.js';
import { toMermaid } from './toMermaid.js';
import { ROUTES } from './vocabulary.js';

/** Effects the journey emits on the engine bus (durable outbox items, delivered at least once). */
const EFFECTS: readonly [string, string][] = [
  ['safety.alert', 'A hold (serious adverse event, suicidality, pregnancy, psychotic symptoms), a stop-rule hit, an aborted session, or a positive suicidality screen at intake. `kind`, `reason`, `sessionNumber` when in a session.'],
  ['care.alert', 'A missed session (`needsClinicianReview` for esketamine), a concurrent-therapy lapse, an overdue REMS form, or a response not held in maintenance.'],
  ['rems.formDue', 'The esketamine REMS monitoring-form data of a dosed session (see `remsMonitoringForm`), due 7 days after the session by default.'],
  ['monitoring.checkDue', 'The post-dose blood-pressure check of the route is due (40 minutes for esketamine and IV by default).'],
  ['assessment.due', 'A maintenance re-assessment of the primary instrument is due.'],
  ['journey.ended', 'Emitted by the engine when the journey reaches completed, discontinued or closed: for a discontinued or closed esketamine journey with REMS forms outstanding, when the last form is submitted.'],
];

const code = (s: string) => `\`${s}\``;

function schedule(blocks: readonly ScheduleBlock[]): string {
  return blocks
    .map((b) => `${b.weeks} wk × ${b.days.length}/wk`)
    .join(', then ');
}

function transitionLine(e: CatalogueEntry): string[] {
  return e.transitions.map((t) => {
    const where = t.state === '*' ? 'any state until the journey ends' : code(t.state);
    const to = t.target === null ? 'records, no state change' : `→ ${code(t.target)}`;
    return `  - ${where}${t.guard ? ` if ${code(t.guard)}` : ''}: ${to}`;
  });
}

/**
 * The reference page of the ketamine-for-anxiety journey (docs/journey.md): a Mermaid state
 * diagram generated from the machine, the event catalogue (who may send each event, its
 * payload, where it is allowed), the clinical rules, the effects and the protocol defaults.
 * `pnpm diagram` writes it; a test keeps the committed page current.
 */
export function ketamineJourneyDocs(): string {
  const definition = ketamineAnxietyJourney;
  const catalogue = eventCatalogue(definition, { timerEvents: KETAMINE_TIMER_EVENTS });
  const protocol = defaultKetamineProtocol();
  const out: string[] = [
    '# The ketamine-for-anxiety journey',
    '',
    '<!-- Generated from the journey definition by `pnpm diagram`. Do not edit: a test compares this page with the definition. -->',
    '',
    `Definition ${code(definition.id)}, version ${definition.version}. carejourney records and enforces a clinic's protocol; it gives no`,
    'medical advice. Doses are the prescriber’s, recorded as given, never computed. Esketamine is labelled for treatment-resistant',
    'depression and depression with acute suicidal ideation only: every anxiety use, and every racemic-ketamine use here, is off-label.',
    'Defaults marked UNCONFIRMED in the protocol schema are placeholders a clinic must set.',
    '',
    '## Using it',
    '',
    '```ts',
    "import { createEngine, ketamineAnxietyJourney, MemoryStore } from '@carejourney/core';",
    '',
    'const engine = createEngine({',
    '  definition: ketamineAnxietyJourney,',
    '  store: new MemoryStore(),',
    "  protocol: { routes: { iv: { observationMinutes: 90 } } }, // only what the clinic changes",
    '});',
    'const coordinator = { id: \'coord-1\', role: \'coordinator\' };',
    'const { id } = await engine.start({',
    "  patientRef: 'pt-8842', // opaque: names and other PHI stay in the host",
    '  actor: coordinator,',
    "  input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },",
    '});',
    "await engine.send(id, { type: 'referral.accepted' }, { actor: coordinator });",
    'const view = await engine.get(id); // state, phase, allowedEvents, blockedEvents with reasons',
    '```',
    '',
    'Phases (`view.phase`, `engine.query({ phase })`): `referral`, `intake`, `induction`, `response-review`, `maintenance`,',
    '`on-hold`, `completed`, `discontinued`, `closed`. A discontinued or closed esketamine journey whose REMS monitoring forms are',
    'not all submitted waits in `discontinuedAwaitingRemsForms` or `closedAwaitingRemsForms` (phase `discontinued` or `closed`,',
    'status `active`): it accepts only `rems.formSubmitted`, still alerts on overdue forms, and ends when the last form is in.',
    'Run `pnpm example` for a whole IV course on a `ManualClock`.',
    '',
    '## State diagram',
    '',
    'Generated from the machine. Parallel regions are separated by a dashed line; `H` is the history state a reviewed hold resumes into.',
    'Transitions that only record data (no state change) are listed in the event catalogue, not drawn.',
    '',
    '```mermaid',
    toMermaid(definition.machine),
    '```',
    '',
    '## Events',
    '',
    'Every event reaches the machine as `{ type, ...payload, at, actor }`: the engine stamps `at` (its clock) and the actor.',
    'An event with no transition in the current state is refused with `CJ_ERR_NOT_ALLOWED`; one whose guard fails, with',
    '`CJ_ERR_GUARD` and the rule’s reason; one from a role the policy does not name, with `CJ_ERR_FORBIDDEN`.',
    '',
    '| Event | Who may send it | Payload |',
    '|---|---|---|',
    ...catalogue
      .filter((e) => !e.timer)
      .map((e) => `| [${code(e.type)}](#${e.type.replace(/\./g, '').toLowerCase()}) | ${e.roles.join(', ')} | ${e.fields.length === 0 ? '(none)' : e.fields.map((f) => code(f.required ? f.name : `${f.name}?`)).join(' ')} |`),
    '',
  ];
  for (const e of catalogue.filter((x) => !x.timer)) {
    out.push(`### ${e.type}`, '', e.description, '', `- Who: ${e.roles.join(', ')}`);
    if (e.fields.length === 0) out.push('- Payload: none');
    else {
      out.push('- Payload:');
      for (const f of e.fields) out.push(`  - ${code(f.name)}${f.required ? '' : ' (optional)'}: ${f.type}`);
    }
    out.push('- Allowed in:', ...transitionLine(e), '');
  }
  out.push('## Timer events', '', 'Fired by the engine from durable timers as the `system` actor (`engine.runDue()`); hosts cannot send them.', '');
  for (const e of catalogue.filter((x) => x.timer)) {
    out.push(`### ${e.type}`, '', e.description, '', '- Allowed in:', ...transitionLine(e), '');
  }
  out.push('## Clinical rules', '', 'The machine’s named guards. Rules checked on the context are explained ahead of time in `engine.get` (`blockedEvents`).', '');
  out.push('| Rule | Checked on | Enforces |', '|---|---|---|');
  for (const [name, rule] of Object.entries(definition.guards)) out.push(`| ${code(name)} | ${rule.scope === 'context' ? 'context' : 'event payload'} | ${rule.description} |`);
  out.push('', '## Effects', '', 'Delivered on the engine bus under their own name and to plugins’ `onEffect`, at least once, each with a stable `deliveryId`.', '');
  out.push('| Effect | When |', '|---|---|');
  for (const [type, when] of EFFECTS) out.push(`| ${code(type)} | ${when} |`);
  out.push('', '## Protocol defaults per route', '', 'From DOMAIN.md; every value is overridable in `createEngine({ protocol })` (`ketamineProtocolSchema`).', '');
  out.push('| Route | Setting | Induction | Maintenance every | Observation | BP check | Pre-dose BP limit | REMS |', '|---|---|---|---|---|---|---|---|');
  for (const route of ROUTES) {
    const r = protocol.routes[route];
    out.push(
      `| ${code(route)} | ${r.setting} | ${schedule(r.induction)} | ${r.maintenance.everyDays} days | ${r.observationMinutes} min | ${r.monitoring.bpCheckAtMinutes === null ? '-' : `${r.monitoring.bpCheckAtMinutes} min`} | ${r.preDoseBpLimit.systolic}/${r.preDoseBpLimit.diastolic} | ${r.requiresRems ? 'yes' : 'no'} |`,
    );
  }
  out.push(
    '',
    `No-show after ${protocol.noShowGraceMinutes} min without check-in; therapy lapse after ${protocol.therapy.lapseAfterDays} days (UNCONFIRMED);`,
    `REMS form due ${protocol.rems.formDueDays} days after an esketamine session. Fasting: ${protocol.routes.iv.fasting.foodHours} h food, ${protocol.routes.iv.fasting.liquidMinutes} min liquids.`,
    'Stop rules (UNCONFIRMED): BP above 180/110 twice 5 min apart, above 200/120 once, heart rate above 120 for 5 min.',
    '',
  );
  return out.join('\n');
}
