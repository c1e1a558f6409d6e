// The printed timeline every example shows: local date and time in the clinic's zone, who, what,
// the state it led to, and what came of it (alerts, reminders, forms, proposals). Built live from
// the engine's bus, so effects sit under the event that raised them; refusals are shown too.
import { createColors } from 'picocolors';
import { localParts, type EffectNotice, type JournalEntry, type JourneyEngine, type ketamineAnxietyJourney } from '@carejourney/core';

/** What a row of the timeline is: an applied event, a fired timer, a refused event, a reminder handed to the host, a note. */
export type TimelineRowKind = 'start' | 'event' | 'timer' | 'refused' | 'reminder' | 'note';

/** A line under a row: an alert (safety or care), a reminder sent, or another effect. */
export interface TimelineDetail {
  readonly tone: 'safety' | 'care' | 'reminder' | 'info';
  readonly text: string;
}

/** One row: when (epoch ms, shown in the clinic's zone), who, what, and the resulting state. */
export interface TimelineRow {
  readonly kind: TimelineRowKind;
  readonly journeyId: string;
  readonly patientRef: string;
  readonly atMs: number;
  /** The journal sequence number, for rows from the journal. */
  readonly seq: number | null;
  readonly actor: string;
  readonly event: string;
  /** The state after the event, shortened (see `shortState`); empty for rows that change nothing. */
  readonly state: string;
  readonly details: TimelineDetail[];
  /** Which process or worker applied it, when several share the journeys. */
  readonly by?: string;
}

/** The engine of the ketamine journey, as the examples create it. */
export type KetamineEngine = JourneyEngine<typeof ketamineAnxietyJourney>;

/** The state label without the structural prefixes: `induction › session › dosed › monitoring · therapy: active`. */
export function shortState(label: string): string {
  return label
    .split('|')
    // Concurrent therapy not linked is the default: not worth a column.
    .filter((leaf) => leaf !== 'care.therapy.notLinked')
    .map((leaf) =>
      leaf.startsWith('care.therapy.')
        ? `therapy: ${leaf.slice('care.therapy.'.length)}`
        : leaf
            .replace(/^care\.clinical\./, '')
            .replace(/^treatment\.course\./, '')
            .replace(/^treatment\./, '')
            .split('.')
            .join(' › '),
    )
    .join(' · ');
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/**
 * The few numbers and choices that make an event readable at a glance (a reading, a dose, a
 * decision): never free text a person typed.
 */
export function summarizeEvent(type: string, p: Readonly<Record<string, unknown>>, timeZone?: string): string {
  switch (type) {
    case 'assessment.recorded':
      return p['instrument'] === 'C-SSRS' ? `C-SSRS ${str(p['risk'])}` : `${str(p['instrument'])} ${str(p['total'])}${p['item9'] === undefined ? '' : ` (item 9: ${str(p['item9'])})`}`;
    case 'screening.vitalsRecorded':
    case 'predose.vitalsRecorded':
    case 'monitoring.vitalsRecorded': {
      const taken = typeof p['takenAt'] === 'string' && timeZone !== undefined ? ` (taken ${localParts(Date.parse(p['takenAt']), timeZone).time})` : '';
      return `${str(p['systolic'])}/${str(p['diastolic'])}${taken}`;
    }
    case 'dose.recorded':
      return `${str(p['amountMg'])} mg${p['devices'] === undefined ? '' : ` (${str(p['devices'])} devices)`}`;
    case 'monitoring.sedationRecorded':
      return `MOAA/S ${str(p['moaas'])}`;
    case 'monitoring.dissociationRecorded':
      return `${str(p['form'])} ${str(p['score'])}`;
    case 'monitoring.adverseEventRecorded':
      return `${str(p['term'])}, ${str(p['severity'])}${p['serious'] === true ? ', serious' : ''}`;
    case 'eligibility.decided':
    case 'hold.reviewed':
    case 'response.decided':
      return [str(p['outcome']), str(p['decision']), p['everyDays'] === undefined ? '' : `every ${str(p['everyDays'])} days`].filter(Boolean).join(', ');
    case 'safety.signalReported':
      return str(p['signal']);
    case 'session.escalated':
      return str(p['destination']);
    case 'plan.recorded':
      return str(p['route']);
    case 'rems.formSubmitted':
      return `session ${str(p['sessionNumber'])}`;
    case 'predose.contraindicationsChecked':
      return Array.isArray(p['newFindings']) && p['newFindings'].length > 0 ? p['newFindings'].map(str).join(', ') : 'none new';
    default:
      return '';
  }
}

/**
 * An effect in a clinician's words. Alerts say what happened and what to do; the others say what
 * the journey asks of the host. Payload values shown are the journey's own (numbers, kinds,
 * times), never free text a person typed, except the alert's reason the journey composed.
 */
export function describeEffect(notice: Pick<EffectNotice, 'type' | 'payload'>, timeZone: string): TimelineDetail {
  const p = notice.payload;
  const session = p['sessionNumber'] === undefined || p['sessionNumber'] === null ? '' : ` (session ${str(p['sessionNumber'])})`;
  const local = (iso: unknown) => {
    const { date, time } = localParts(Date.parse(str(iso)), timeZone);
    return `${date} ${time}`;
  };
  switch (notice.type) {
    case 'safety.alert':
      return { tone: 'safety', text: `SAFETY ALERT ${str(p['kind'])}${session}: ${str(p['reason'])}` };
    case 'care.alert': {
      const kind = str(p['kind']);
      const why =
        kind === 'missed-session'
          ? p['needsClinicianReview'] === true
            ? 'missed; a physician reviews the schedule'
            : 'missed'
          : kind === 'vitals-overdue'
            ? `a vitals reading is overdue (every ${str(p['everyMinutes'])} min)`
            : kind === 'ending-after-session'
              ? `${str(p['ending'])} once the dosed session ends`
              : kind === 'therapy-lapse'
                ? `no therapy session in ${str(p['gapDays'])} days`
                : kind === 'rems-form-overdue'
                  ? 'the REMS monitoring form is overdue'
                  : kind === 'response-not-held'
                    ? `${str(p['instrument'])} ${str(p['baseline'])} → ${str(p['current'])}: response not held`
                    : kind;
      return { tone: 'care', text: `care alert ${kind}${session}: ${why}` };
    }
    case 'response.proposed':
      return {
        tone: 'info',
        text: `response proposed: ${str(p['instrument'])} ${str(p['baseline'])} → ${str(p['current'])} (${str(p['dropPercent'])}% drop), response ${p['responded'] === true ? 'yes' : 'no'}, remission ${p['remission'] === true ? 'yes' : 'no'}; a physician decides`,
      };
    case 'rems.formDue':
      return { tone: 'info', text: `REMS monitoring form${session} due ${local(p['dueAt'])}` };
    case 'monitoring.checkDue':
      return { tone: 'info', text: `BP check due (${str(p['minute'])} min after the dose)${session}` };
    case 'assessment.due':
      return { tone: 'info', text: `${str(p['instrument'])} due (${str(p['reason'])})` };
    case 'journey.ended':
      return { tone: 'info', text: `journey ended: ${str(p['phase'])}` };
    default:
      return { tone: 'info', text: notice.type };
  }
}

/**
 * Records a timeline from an engine's bus: one row per applied event or fired timer (from the
 * `transition` notices, delivered in commit order), the effects of that commit under it, and the
 * refusals. Reminders and notes are added by the example.
 *
 * @example
 * ```ts
 * const timeline = new Timeline('Europe/Berlin').attach(engine);
 * // ... run the journey ...
 * for (const line of formatTimeline(timeline.rows, { timeZone: timeline.timeZone })) console.log(line);
 * ```
 */
export class Timeline {
  readonly rows: TimelineRow[] = [];
  readonly #last = new Map<string, TimelineRow>();
  readonly #patients = new Map<string, string>();

  constructor(
    readonly timeZone: string,
    readonly options: { readonly by?: string; readonly now?: () => number } = {},
  ) {}

  /** Names a journey's patient (rows of a journey whose start this timeline did not see). */
  patient(journeyId: string, patientRef: string): this {
    this.#patients.set(journeyId, patientRef);
    return this;
  }

  /** Listens to the engine's bus. */
  attach(engine: KetamineEngine): this {
    engine.on('transition', ({ journeyId, entry }) => this.addEntry(journeyId, entry));
    engine.on('effect', (notice) => this.addEffect(notice));
    engine.on('refused', ({ journeyId, eventType, code, message }) => {
      const at = this.options.now?.() ?? engine.clock.now();
      // The rule's reason, without the state path the message starts with.
      const reason = message.replace(/^"[^"]*" refused in state [^:]*: /, '');
      this.#push({ kind: 'refused', journeyId, atMs: at, seq: null, actor: '', event: `✗ ${eventType}`, state: '', details: [{ tone: 'care', text: `refused (${code}): ${reason}` }] });
    });
    return this;
  }

  /** Names who sent the event refused last (the bus's refusal notice does not carry the actor). */
  refusedBy(actor: { readonly id: string; readonly role: string }): void {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i];
      if (row?.kind !== 'refused') continue;
      this.rows[i] = { ...row, actor: `${actor.role} ${actor.id}` };
      return;
    }
  }

  /** A journal entry as a row (the bus does this; a process reading a journal back can too). */
  addEntry(journeyId: string, entry: JournalEntry): TimelineRow {
    if (entry.kind === 'start') this.#patients.set(journeyId, str((entry.payload as { patientRef?: unknown }).patientRef));
    const row = this.#push({
      kind: entry.kind === 'start' ? 'start' : entry.kind === 'timer' ? 'timer' : 'event',
      journeyId,
      atMs: Date.parse(entry.at),
      seq: entry.seq,
      actor: `${entry.actor.role} ${entry.actor.id}`,
      event: entry.kind === 'timer' ? `⏱ ${entry.type}` : [entry.type, summarizeEvent(entry.type, entry.payload, this.timeZone)].filter(Boolean).join(' '),
      state: shortState(entry.to),
      details: [],
    });
    this.#last.set(journeyId, row);
    return row;
  }

  /** An effect, under the row of the commit that emitted it (the outbox delivers the transition first). */
  addEffect(notice: EffectNotice): void {
    const row = this.#last.get(notice.journeyId);
    if (!row) return;
    row.details.push(describeEffect(notice, this.timeZone));
  }

  /** A reminder handed to the host's channel, at the time it went out: `what` (its template), `about` (what for, which channel). */
  reminder(journeyId: string, atMs: number, audience: string, what: string, about: string): void {
    this.#push({ kind: 'reminder', journeyId, atMs, seq: null, actor: `reminders → ${audience}`, event: `✉ ${what}`, state: about, details: [] });
  }

  /** A line of narration (a process starting or dying, a form filed by the host); `journeyId` '' for the journey of the row before. */
  note(journeyId: string, atMs: number, text: string, actor = ''): void {
    this.#push({ kind: 'note', journeyId, atMs, seq: null, actor, event: `» ${text}`, state: '', details: [] });
  }

  #push(row: Omit<TimelineRow, 'patientRef' | 'by'>): TimelineRow {
    // A note about no journey in particular belongs to the journey of the row before it.
    const journeyId = row.journeyId === '' ? (this.rows.at(-1)?.journeyId ?? '') : row.journeyId;
    const full: TimelineRow = {
      ...row,
      journeyId,
      patientRef: this.#patients.get(journeyId) ?? '',
      ...(this.options.by === undefined ? {} : { by: this.options.by }),
    };
    this.rows.push(full);
    return full;
  }
}

/** Whether to colour: a terminal that did not ask for no colour (https://no-color.org). */
export function useColour(stream: { readonly isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '';
}

export interface FormatOptions {
  readonly timeZone: string;
  readonly colour?: boolean;
  /** The widest actor and event columns (longer ones push the rest of their line right). */
  readonly maxActorWidth?: number;
  readonly maxEventWidth?: number;
}

/**
 * The timeline as text lines: a blank line between days, details indented under their row.
 * Rows of several journeys get a patient column; rows applied by several processes a `by` column.
 *
 * @example
 * ```ts
 * formatTimeline(rows, { timeZone: 'Europe/Berlin', colour: false })[0];
 * // '2026-03-02 Mon 09:30  coordinator coord-ana  journey.start  → referral'
 * ```
 */
export function formatTimeline(rows: readonly TimelineRow[], options: FormatOptions): string[] {
  const c = createColors(options.colour ?? false);
  const multiPatient = new Set(rows.map((r) => r.journeyId)).size > 1;
  const multiBy = new Set(rows.map((r) => r.by ?? '')).size > 1;
  const width = (values: readonly string[], max: number) => Math.min(max, Math.max(0, ...values.map((v) => v.length)));
  const actorWidth = width(
    rows.map((r) => r.actor),
    options.maxActorWidth ?? 26,
  );
  const eventWidth = width(
    rows.filter((r) => r.kind !== 'note').map((r) => r.event),
    options.maxEventWidth ?? 44,
  );
  const patientWidth = multiPatient ? width(rows.map((r) => r.patientRef), 14) : 0;
  const byWidth = multiBy ? width(rows.map((r) => r.by ?? ''), 12) : 0;
  const days = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

  const lines: string[] = [];
  let day = '';
  for (const r of rows) {
    const { date, time, dayOfWeek } = localParts(r.atMs, options.timeZone);
    if (date !== day && day !== '') lines.push('');
    day = date;
    const when = `${date} ${days[dayOfWeek]} ${time}`;
    const prefix = [
      c.dim(when),
      ...(multiBy ? [c.blue((r.by ?? '').padEnd(byWidth))] : []),
      ...(multiPatient ? [c.magenta(r.patientRef.padEnd(patientWidth))] : []),
    ].join('  ');
    const indent = ' '.repeat(when.length + (multiBy ? byWidth + 2 : 0) + (multiPatient ? patientWidth + 2 : 0) + 2 + actorWidth + 2);
    if (r.kind === 'note') {
      lines.push(`${prefix}  ${c.bold(c.yellow(r.actor ? `${r.actor.padEnd(actorWidth)}  ${r.event}` : r.event))}`);
    } else {
      const event = r.kind === 'refused' ? c.red(r.event.padEnd(eventWidth)) : r.kind === 'timer' ? c.cyan(r.event.padEnd(eventWidth)) : r.kind === 'reminder' ? c.magenta(r.event.padEnd(eventWidth)) : c.bold(r.event.padEnd(eventWidth));
      const state = r.state === '' ? '' : r.kind === 'reminder' ? `  ${c.magenta(r.state)}` : `  ${c.green(`→ ${r.state}`)}`;
      lines.push(`${prefix}  ${c.cyan(r.actor.padEnd(actorWidth))}  ${event}${state}`.trimEnd());
    }
    for (const d of r.details) {
      const mark = d.tone === 'safety' ? c.bold(c.red('⚠ ')) : d.tone === 'care' ? c.yellow('! ') : d.tone === 'reminder' ? c.magenta('✉ ') : c.dim('↳ ');
      const text = d.tone === 'safety' ? c.red(d.text) : d.tone === 'care' ? c.yellow(d.text) : d.tone === 'reminder' ? c.magenta(d.text) : c.dim(d.text);
      lines.push(`${indent}${mark}${text}`);
    }
  }
  return lines;
}

/** Merges the rows of several processes by time, then journey, then journal order. */
export function mergeTimelines(...parts: readonly (readonly TimelineRow[])[]): TimelineRow[] {
  const order = new Map<string, number>();
  for (const part of parts) for (const r of part) if (!order.has(r.journeyId)) order.set(r.journeyId, order.size);
  return parts
    .flat()
    .map((row, i) => ({ row, i }))
    .sort((a, b) => a.row.atMs - b.row.atMs || (order.get(a.row.journeyId) ?? 0) - (order.get(b.row.journeyId) ?? 0) || (a.row.seq ?? Infinity) - (b.row.seq ?? Infinity) || a.i - b.i)
    .map(({ row }) => row);
}
