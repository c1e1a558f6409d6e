import { eventCatalogue, type CatalogueEntry } from './eventCatalogue.js';
import { KETAMINE_TIMER_EVENTS } from './events.js';
import { ketamineAnxietyJourney } from './ketamineAnxietyJourney.js';
import { defaultKetamineProtocol, UNCONFIRMED_DEFAULTS, type KetamineProtocol, type ScheduleBlock } from './protocol.js';
import { ketamineRoutingConditions } from './routingConditions.js';
import { KETAMINE_RULE_CONSTANTS, type RuleConstant } from './ruleConstants.js';
import { KETAMINE_RULE_PARAMETERS } from './ruleParameters.js';
import { toMermaid } from './toMermaid.js';
import { ROUTES } from './vocabulary.js';

/** Effects the journey emits on the engine bus (durable outbox items, delivered at least once). */
const EFFECTS: readonly [string, string][] = [
  ['safety.alert', 'A hold (serious adverse event, suicidality, pregnancy, psychotic symptoms), a stop-rule hit, a stopped session, a transfer of care, or a positive suicidality screen at intake. `kind`, `reason`, `sessionNumber` when in a session.'],
  ['care.alert', 'A missed session (`needsClinicianReview` for esketamine), an overdue vitals reading, an ending recorded during a dosed session (`ending-after-session`), a concurrent-therapy lapse, an overdue REMS form, or a response not held in maintenance.'],
  ['response.proposed', 'The response review’s proposal (response, remission, drop from baseline) for the physician’s decision.'],
  ['rems.formDue', 'The esketamine REMS monitoring-form data of a dosed session (see `remsMonitoringForm`), due 7 days after the session by default.'],
  ['monitoring.checkDue', 'The post-dose blood-pressure check of the route is due (40 minutes for esketamine and IV by default).'],
  ['assessment.due', 'The primary instrument is due: for the response review (`reason: response-review`) or a maintenance re-assessment.'],
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

/** A fixed number as the docs show it: `24 h`, `56, 84 mg`. */
export function formatConstant(c: RuleConstant): string {
  const value = typeof c.value === 'number' ? String(c.value) : c.value.join(', ');
  return `${value} ${c.unit}`;
}

/** The fixed numbers a rule uses, as its row in the rules table lists them. */
function constantsOf(name: string): string {
  const used = Object.entries(KETAMINE_RULE_CONSTANTS).filter(([, c]) => (c.usedBy as readonly string[]).includes(name));
  return used.length === 0 ? '-' : used.map(([key, c]) => `${code(key)} = ${formatConstant(c)}`).join(', ');
}

/** A protocol value as the settings table shows it. */
export function formatSetting(value: unknown): string {
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
  return String(value);
}

function leaves(value: unknown, prefix: string[] = []): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
  return [[prefix.join('.'), value]];
}

const unconfirmed = new Set(UNCONFIRMED_DEFAULTS.map((p) => p.join('.')));

/** Every protocol setting with its default, per route for route settings, marked UNCONFIRMED where it is a placeholder. */
function protocolSettings(protocol: KetamineProtocol): string[] {
  const usedBy = (path: string) =>
    Object.entries(KETAMINE_RULE_PARAMETERS)
      .filter(([, paths]) => paths.includes(path))
      .map(([name]) => code(name))
      .join(', ') || '-';
  const out = ['## Protocol settings', '', 'Every setting with its default (`createEngine({ protocol })` overrides any of them). `UNCONFIRMED` marks a placeholder the clinic must set or accept.', ''];
  out.push(`| Setting | ${ROUTES.map(code).join(' | ')} | Read by |`, `|---|${ROUTES.map(() => '---|').join('')}---|`);
  const routeLeaves = leaves(protocol.routes['esketamine-nasal']).map(([path]) => path);
  for (const path of routeLeaves) {
    const cells = ROUTES.map((route) => {
      const value = leaves(protocol.routes[route]).find(([p]) => p === path)?.[1];
      const mark = [...unconfirmed].some((u) => `routes.${route}.${path}` === u || `routes.${route}.${path}`.startsWith(`${u}.`)) ? ' (UNCONFIRMED)' : '';
      return `${formatSetting(value)}${mark}`;
    });
    out.push(`| ${code(`route.${path}`)} | ${cells.join(' | ')} | ${usedBy(`route.${path}`)} |`);
  }
  const { routes: _routes, ...rest } = protocol;
  out.push('', '| Setting | Default | Read by |', '|---|---|---|');
  // The docs read the defaults with placeholders accepted; a clinic's engine starts from false and has no default zone.
  const shown: Record<string, string> = { timeZone: 'required (no default)', acceptUnconfirmedDefaults: 'false' };
  for (const [path, value] of leaves(rest)) {
    const mark = unconfirmed.has(path) ? ' (UNCONFIRMED)' : '';
    if (shown[path] !== undefined) {
      out.push(`| ${code(path)} | ${shown[path]} | ${usedBy(path)} |`);
      continue;
    }
    const top = path.split('.')[0] ?? path;
    out.push(`| ${code(path)} | ${formatSetting(value)}${mark} | ${usedBy(path) === '-' ? usedBy(top) : usedBy(path)} |`);
  }
  return out;
}

/**
 * The reference page of the ketamine-for-anxiety journey (docs/journey.md): a Mermaid state
 * diagram generated from the machine, the event catalogue (who may send each event, its
 * payload, where it is allowed), the clinical rules, the effects and the protocol defaults.
 * `pnpm diagram` writes it; a test keeps the committed page current.
 *
 * @example
 * ```ts
 * writeFileSync('docs/journey.md', ketamineJourneyDocs());
 * ```
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
    'Defaults marked UNCONFIRMED are placeholders: a clinic sets them, or accepts them explicitly (`acceptUnconfirmedDefaults: true`,',
    'journaled with the protocol); an engine refuses a protocol that leaves one in effect silently. The safety model, the',
    'invariants that hold on every path, is in [safety.md](safety.md).',
    '',
    '## Using it',
    '',
    '```ts',
    "import { createEngine, ketamineAnxietyJourney, MemoryStore } from '@carejourney/core';",
    '',
    'const engine = createEngine({',
    '  definition: ketamineAnxietyJourney,',
    '  store: new MemoryStore(),',
    "  protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true, routes: { iv: { observationMinutes: 90 } } },",
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
  out.push('## Clinical rules', '', 'The machine’s named guards that refuse events. Rules checked on the context are explained ahead of time in `engine.get` (`blockedEvents`).', 'The protocol settings each rule reads are listed with their values under [Protocol settings](#protocol-settings).', '');
  out.push('| Rule | Checked on | Enforces | Protocol settings | Fixed numbers |', '|---|---|---|---|---|');
  const params = (name: string) => (KETAMINE_RULE_PARAMETERS as Record<string, readonly string[]>)[name] ?? [];
  const paramList = (name: string) => (params(name).length === 0 ? '-' : params(name).map(code).join(', '));
  for (const [name, rule] of Object.entries(definition.guards)) {
    out.push(`| ${code(name)} | ${rule.scope === 'context' ? 'context' : 'event payload'} | ${rule.description} | ${paramList(name)} | ${constantsOf(name)} |`);
  }
  out.push('', '## Routing conditions', '', 'The machine’s other named guards: they choose a branch (which decision, whether a hold or an ending is pending), they never refuse an event on their own.', '');
  out.push('| Condition | Means | Protocol settings |', '|---|---|---|');
  for (const [name, condition] of Object.entries(ketamineRoutingConditions)) out.push(`| ${code(name)} | ${condition.description} | ${paramList(name)} |`);
  out.push(
    '',
    '## Fixed numbers',
    '',
    'Numbers the rules use that are not protocol settings: fixed by the library, or by the esketamine label and REMS (checked when an',
    'engine is created: a protocol of the `esketamine-nasal` route below them is refused with `CJ_ERR_INVALID_CONFIG`).',
    '',
    '| Name | Value | Means | Used by |',
    '|---|---|---|---|',
  );
  for (const [name, c] of Object.entries(KETAMINE_RULE_CONSTANTS) as [string, RuleConstant][]) {
    const usedBy = c.usedBy.map((u) => (u === 'protocol' ? 'protocol validation' : code(u))).join(', ');
    out.push(`| ${code(name)} | ${formatConstant(c)} | ${c.description} | ${usedBy} |`);
  }
  out.push('', '## Effects', '', 'Delivered on the engine bus under their own name and to plugins’ `onEffect`, at least once, each with a stable `deliveryId`.', '');
  out.push('| Effect | When |', '|---|---|');
  for (const [type, when] of EFFECTS) out.push(`| ${code(type)} | ${when} |`);
  out.push(
    '',
    '## Protocol defaults per route',
    '',
    'From DOMAIN.md; every value is overridable in `createEngine({ protocol })` (`ketamineProtocolSchema`).',
    '',
    'An induction schedule is a list of blocks `{ weeks, days }`: each block runs `weeks` weeks with a session on each of `days`,',
    'calendar-day offsets within the week counted from the first session’s day (0 = the weekday of the first session, in the clinic’s',
    'time zone); blocks follow one another. Every generated session keeps the first session’s local time of day. A session that falls',
    'on a day the clinic is closed (`clinicDays`, `closedDates`) moves to the next open day, at least `minHoursBetweenDoses` after the',
    'session before it; a time booked explicitly on a closed day is refused.',
    '',
  );
  out.push('| Route | Setting | Induction | Observation | BP check | Pre-dose BP limit | REMS |', '|---|---|---|---|---|---|---|');
  for (const route of ROUTES) {
    const r = protocol.routes[route];
    out.push(
      `| ${code(route)} | ${r.setting} | ${schedule(r.induction)} | ${r.observationMinutes} min | ${r.monitoring.bpCheckAtMinutes === null ? '-' : `${r.monitoring.bpCheckAtMinutes} min`} | ${r.preDoseBpLimit.systolic}/${r.preDoseBpLimit.diastolic} | ${r.requiresRems ? 'yes' : 'no'} |`,
    );
  }
  out.push(...protocolSettings(protocol), '');
  return out.join('\n');
}
