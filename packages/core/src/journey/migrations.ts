// Migrations of stored ketamine-for-anxiety journeys. `ketamineMigrations[n]` upgrades a
// version-n persisted snapshot to version n + 1; the engine applies them on load.
import type { SnapshotMigration } from '../engine/defineJourney.js';
import type { PersistedSnapshot } from '../store/records.js';
import { RECENT_SESSIONS, type KetamineJourneyContext, type SessionRecord } from './context.js';
import { summarize } from './contextUpdates.js';
import { ketamineProtocolSchema } from './protocol.js';
import { remsFormOf } from './remsMonitoringForm.js';

type Json = Record<string, any>;

const v2PreDose = (pd: Json): Json => {
  const one = (x: unknown) => (x === null || x === undefined ? [] : [x]);
  const check = pd['contraindicationCheck'] as Json | null;
  const cleared = pd['findingCleared'] as Json | null;
  return {
    fasting: one(pd['fasting']),
    transport: one(pd['transport']),
    trustedAdult: one(pd['trustedAdult']).map((t) => ({ ...(t as Json), missing: [] })),
    vitals: one(pd['vitals']),
    // A version-1 override covered the single pre-dose reading kept then.
    bpOverrides: one(pd['bpOverride']).map((o) => ({ ...(o as Json), coversReadings: 1 })),
    contraindicationChecks: one(check),
    medications: [],
    doseDeviations: [],
    blocking: ((check?.['newFindings'] as string[] | undefined) ?? []).map((finding) => ({
      at: check?.['at'],
      by: check?.['by'],
      kind: 'new-finding',
      detail: `New since the last session: ${finding}`,
      cleared: cleared ? { at: cleared['at'], by: cleared['by'], reason: cleared['reason'] } : null,
    })),
  };
};

const v2Session = (s: Json | null): Json | null =>
  s === null
    ? null
    : {
        ...s,
        preDose: v2PreDose(s['preDose'] as Json),
        dose: s['dose'] === null ? null : { ...(s['dose'] as Json), plannedMg: null, deviationReason: null },
        vitalsOverdueSince: null,
        bpCheckMissed: null,
        stopped: null,
        transfer: null,
      };

/** A version-1 route protocol in version-2 form: fields that no longer exist go, renamed ones move. */
function v2Route(route: Json): Json {
  const { maintenance, monitoring, discharge, ...rest } = route;
  const { everyDays: _everyDays, moreFrequentEveryDays: _more, ...keptMaintenance } = (maintenance ?? {}) as Json;
  const { clinicMonitoring: _clinic, ...keptMonitoring } = (monitoring ?? {}) as Json;
  const { vitalsMaxAgeMinutes, ...keptDischarge } = (discharge ?? {}) as Json;
  return {
    ...rest,
    maintenance: keptMaintenance,
    monitoring: keptMonitoring,
    discharge: { ...keptDischarge, ...(vitalsMaxAgeMinutes === undefined ? {} : { stableWindowMinutes: vitalsMaxAgeMinutes }) },
  };
}

/**
 * Version 1 → 2: the safety model. Pre-dose records become append-only lists; sessions gain
 * `stopped` and `transfer`; the journey gains `pendingEnding`; the protocol gains the clinic
 * calendar, the dosing rules and the discharge window. A version-1 journey ran with every day open
 * and its placeholder defaults in effect: the migrated protocol says so (`clinicDays` 1-7,
 * `acceptUnconfirmedDefaults: true`), so its schedule does not move. A stored protocol below the
 * esketamine label minimums fails the migration with the reason, rather than loading.
 */
const migrateV1: SnapshotMigration = (snapshot: PersistedSnapshot): PersistedSnapshot => {
  const c = snapshot.context as Json;
  const p = c['protocol'] as Json;
  const protocol = ketamineProtocolSchema.parse({
    ...p,
    timeZone: p['timeZone'] ?? 'UTC',
    acceptUnconfirmedDefaults: true,
    clinicDays: [1, 2, 3, 4, 5, 6, 7],
    rems: p['rems'],
    routes: Object.fromEntries(Object.entries((p['routes'] ?? {}) as Json).map(([name, route]) => [name, v2Route(route as Json)])),
  });
  const plan = c['plan'] as Json | null;
  const decision = c['responseDecision'] as Json | null;
  const maintenance = c['maintenance'] as Json;
  const full = ((c['sessions'] ?? []) as Json[]).map((s) => v2Session(s) as unknown as SessionRecord);
  const schedule = (c['schedule'] ?? []) as Json[];
  const forms = ((c['rems'] as Json | undefined)?.['forms'] ?? []) as Json[];
  const dosed = full.filter((s) => s.dose !== null);
  const latest = (xs: readonly string[]) => (xs.length === 0 ? null : xs.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)));
  // The latest baseline and follow-up of each instrument, in recorded order.
  const assessments: Json[] = ((c['assessments'] ?? []) as Json[]).map((a) => ({ instrumentVersion: null, responseRef: null, ...a }));
  const keptAssessments = assessments.filter((a, i) => !assessments.slice(i + 1).some((b) => b['instrument'] === a['instrument'] && b['phase'] === a['phase']));
  const context: Json = {
    ...c,
    protocol,
    plan: plan === null ? null : { ...plan, weightKg: null },
    session: v2Session(c['session'] as Json | null),
    schedule,
    responseDecision: decision === null ? null : { ...decision, everyDays: decision['decision'] === 'maintenance' ? (maintenance['everyDays'] ?? null) : null },
    assessments: keptAssessments,
    maintenance: { ...maintenance, checkIns: ((maintenance['checkIns'] ?? []) as Json[]).slice(-3) },
    holds: ((c['holds'] ?? []) as Json[]).slice(-5),
    pendingEnding: null,
    tally: {
      nextSessionNumber: Math.max(0, ...schedule.map((s) => s['number'] as number)) + 1,
      sessionsEnded: full.length,
      doses: dosed.length,
      lastDoseAt: latest(dosed.map((s) => s.dose?.at ?? '')),
      lastInductionCheckInAt: latest(full.filter((s) => s.phase === 'induction').map((s) => s.checkedIn.at)),
      holds: ((c['holds'] ?? []) as Json[]).length,
      remsFormsSubmitted: forms.filter((f) => f['submitted'] !== null).length,
      remsFiledThroughSession: Math.max(0, ...forms.map((f) => f['sessionNumber'] as number)),
    },
  };
  // An outstanding form keeps its data; the ended sessions become summaries.
  context['rems'] = {
    forms: forms.map((f) => {
      const session = full.find((s) => s.number === f['sessionNumber']);
      return { ...f, form: f['submitted'] === null && session ? remsFormOf(context as unknown as KetamineJourneyContext, session) : null };
    }),
  };
  context['sessions'] = full.slice(-RECENT_SESSIONS).map((s) => summarize(s, s.outcome as never, s.ended ?? { at: s.checkedIn.at, by: s.checkedIn.by, reason: null }));
  return { ...snapshot, context };
};

/** The migrations of `ketamineAnxietyJourney`, by the version they upgrade from. */
export const ketamineMigrations: Readonly<Record<number, SnapshotMigration>> = { 1: migrateV1 };
