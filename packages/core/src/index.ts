/**
 * Durable, auditable care journeys for ketamine and esketamine therapy for anxiety: XState
 * statecharts run by an engine that validates, authorizes and de-duplicates every event, commits
 * the snapshot, journal entry, timers and outbox atomically, and delivers effects to plugins.
 * It records and enforces a clinic's protocol; it gives no medical advice.
 *
 * @example
 * ```ts
 * import { createEngine, ketamineAnxietyJourney, MemoryStore } from '@carejourney/core';
 *
 * const engine = createEngine({
 *   definition: ketamineAnxietyJourney,
 *   store: new MemoryStore(),
 *   protocol: { timeZone: 'Europe/Berlin', acceptUnconfirmedDefaults: true },
 * });
 * const coordinator = { id: 'coord-1', role: 'coordinator' } as const;
 * const { id } = await engine.start({
 *   patientRef: 'pt-8842',
 *   actor: coordinator,
 *   input: { referral: { source: 'professional', indication: 'generalized-anxiety' } },
 * });
 * const result = await engine.send(id, { type: 'referral.accepted' }, { actor: coordinator });
 * if (!result.ok) console.log(result.error.code, result.error.message);
 * ```
 *
 * @module @carejourney/core
 */
// The public contract of @carejourney/core: named exports only.
export { CareJourneyError, isCareJourneyError, ERROR_CODES, ERROR_CATALOGUE } from './errors.js';
export type { CareJourneyErrorCode, CareJourneyErrorDetails, ErrorCodeInfo, FieldIssue } from './errors.js';

export { createEngine } from './engine/createEngine.js';
export { JourneyEngine } from './engine/JourneyEngine.js';
export type { EngineOptions, StartOptions, SendOptions } from './engine/EngineOptions.js';
export type { FiredTimer } from './engine/timers.js';
export { defineJourney } from './engine/defineJourney.js';
export type {
  AnyJourneyDefinition,
  EventSchemas,
  JourneyDefinition,
  JourneyDefinitionConfig,
  JourneyPolicy,
  JourneyStartInput,
  SnapshotMigration,
} from './engine/defineJourney.js';
export type {
  AnyJourneyEvent,
  JourneyContextFrom,
  JourneyEffectFrom,
  JourneyEntryFrom,
  JourneyEntryTypeFrom,
  JourneyEventFrom,
  JourneyEventTypeFrom,
  JourneyInputFrom,
  JourneyPhaseFrom,
  JourneyProtocolFrom,
  JourneyProtocolOutputFrom,
  JourneyQueryFrom,
  JourneyRoleFrom,
  JourneyStatePathFrom,
  JourneySummaryFrom,
  JourneyTimerEventFrom,
  JourneyViewFrom,
} from './engine/JourneyTypesFrom.js';
export { guardRule, guardsFrom } from './engine/guardRule.js';
export type { GuardArgs, GuardRule, StampedEvent } from './engine/guardRule.js';
export type { JourneyView } from './engine/JourneyView.js';
export type { SendResult } from './engine/SendResult.js';
export type { BlockedEvent } from './engine/explainEvents.js';
export type { JourneyEffect } from './engine/collectActions.js';
export type {
  EngineEvents,
  EngineListener,
  DeliveryFailedNotice,
  EffectNotice,
  PluginErrorNotice,
  RefusedNotice,
  TimerFiredNotice,
  TransitionNotice,
  JourneyEndedEffect,
} from './engine/EngineEvents.js';
export { flattenState } from './engine/flattenState.js';
export { replayJournal } from './engine/replayJournal.js';

export { definePlugin } from './plugin/definePlugin.js';
export type { CareJourneyPlugin, PluginApi, PluginConfig, PluginHookRegistry } from './plugin/definePlugin.js';
export { parsePluginOptions } from './plugin/parsePluginOptions.js';
export type {
  AfterCommitContext,
  BeforeEventContext,
  BeforeEventResult,
  EffectContext,
  HookName,
  PluginHooks,
  PluginTimerContext,
} from './plugin/hooks.js';

export type { JourneyStore, JourneyCommit, JourneyQuery, JourneySummary } from './store/JourneyStore.js';
export { MemoryStore } from './store/MemoryStore.js';
export { FrozenCopies } from './store/FrozenCopies.js';
export { isFrozenJson } from './store/freezeNew.js';
export { conflictError, assertCommitShape } from './store/conflict.js';
export { commitTexts } from './store/commitTexts.js';
export type { CommitTexts } from './store/commitTexts.js';
export { checkStoreArguments, storeArgumentSchemas } from './store/checkStoreArguments.js';
export type { ConflictCause } from './store/conflict.js';
export { matchesQuery, stateMatches } from './store/matchesQuery.js';
export { byCodePoint } from './store/byCodePoint.js';
export {
  actorSchema,
  journalEntrySchema,
  journeyRecordSchema,
  outboxItemSchema,
  persistedSnapshotSchema,
  timerRowSchema,
  SYSTEM_ACTOR,
} from './store/records.js';
export type { Actor, JournalEntry, JourneyRecord, OutboxItem, PersistedSnapshot, TimerRow } from './store/records.js';
export { protocolRecordSchema, PROTOCOL_REF_PATTERN } from './store/protocolRecord.js';
export type { ProtocolRecord } from './store/protocolRecord.js';
export { protocolRefOf } from './store/protocolRefOf.js';

export type { Clock } from './time/Clock.js';
export { SystemClock } from './time/SystemClock.js';
export { ManualClock } from './time/ManualClock.js';
export { toMillis, durationSchema } from './time/duration.js';
export { addLocalDays } from './time/addLocalDays.js';
export { isTimeZone } from './time/isTimeZone.js';
export { localParts } from './time/localParts.js';
export type { LocalParts } from './time/localParts.js';
export { atLocalTime } from './time/atLocalTime.js';
export { formatLocal } from './time/formatLocal.js';
export type { Duration } from './time/duration.js';

export { checkJsonSafe, DEFAULT_INPUT_LIMITS } from './validation/checkJsonSafe.js';
export type { InputLimits } from './validation/checkJsonSafe.js';

// The ketamine-for-anxiety journey
export { ketamineAnxietyJourney, ketamineJourneyPhase, KETAMINE_PHASES } from './journey/ketamineAnxietyJourney.js';
export type { KetamineJourneyPhase } from './journey/ketamineAnxietyJourney.js';
export { ketamineAnxietyMachine } from './journey/machine.js';
export { ketamineProtocolSchema, defaultKetamineProtocol, scheduleBlockSchema, UNCONFIRMED_DEFAULTS } from './journey/protocol.js';
export { ESKETAMINE_LABEL } from './journey/esketamineLabel.js';
export type { KetamineProtocol, KetamineProtocolInput, RouteProtocol, ScheduleBlock } from './journey/protocol.js';
export {
  ketamineJourneyEvents,
  ketamineJourneyInputSchema,
  ketamineEventDescriptions,
  KETAMINE_TIMER_EVENTS,
} from './journey/events.js';
export type { KetamineEventPayload, KetamineEventType, KetamineJourneyInput, KetamineTimerEventType } from './journey/events.js';
export { ketamineJourneyRules } from './journey/guards.js';
export { ketamineRoutingConditions } from './journey/routingConditions.js';
export type { MachineEvent as KetamineMachineEvent } from './journey/contextUpdates.js';
export type { RoutingCondition, KetamineRoutingConditionName } from './journey/routingConditions.js';
export { KETAMINE_RULE_PARAMETERS } from './journey/ruleParameters.js';
export type { KetamineRuleName } from './journey/guards.js';
export { ketamineJourneyPolicy, KETAMINE_ROLES } from './journey/policy.js';
export type { KetamineRole } from './journey/policy.js';
export { initialKetamineContext, ketamineContextSchema, RECENT_SESSIONS } from './journey/context.js';
export type {
  ActorRef,
  Stamp,
  BloodPressure,
  VitalsReading,
  SessionPhase,
  ScheduledStatus,
  SessionOutcome,
  KetamineJourneyContext,
  KetamineMachineInput,
  SessionRecord,
  ScheduledSession,
  AssessmentRecord,
  TreatmentPlan,
  HoldRecord,
  RemsFormStatus,
  BlockingEvidence,
  SessionStop,
  SessionSummary,
  CourseTally,
} from './journey/context.js';
export { inductionSchedule, continueSchedule } from './journey/inductionSchedule.js';
export { onOpenDays, closedDayReason } from './journey/clinicCalendar.js';
export type { ClinicCalendar } from './journey/clinicCalendar.js';
export type { ScheduledDate } from './journey/inductionSchedule.js';
export { evaluateResponse } from './journey/responseReview.js';
export type { ResponseResult, ResponseInstrument } from './journey/responseReview.js';
export { stopRuleHit } from './journey/stopRules.js';
export type { StopRuleReading } from './journey/stopRules.js';
export { remsMonitoringForm } from './journey/remsMonitoringForm.js';
export type { RemsMonitoringForm, ObservationStatus } from './journey/remsMonitoringForm.js';
export {
  ROUTES,
  INDICATIONS,
  INSTRUMENTS,
  CONTRAINDICATIONS,
  MEDICATION_CLASSES,
  ADVERSE_EVENT_TERMS,
  HOLD_SIGNALS,
} from './journey/vocabulary.js';
export type {
  KetamineRoute,
  AnxietyIndication,
  Instrument,
  Contraindication,
  ContraindicationClass,
  MedicationClass,
  AdverseEventTerm,
  HoldSignal,
  CssrsRisk,
  PreDoseFinding,
} from './journey/vocabulary.js';
export { toMermaid, describeGuard } from './journey/toMermaid.js';
export { eventCatalogue } from './journey/eventCatalogue.js';
export type { CatalogueEntry, CatalogueField, CatalogueTransition } from './journey/eventCatalogue.js';
export { ketamineJourneyDocs } from './journey/ketamineJourneyDocs.js';
export type { KetamineEffect, KetamineEffectType, SafetyAlertEffect, CareAlertEffect, MonitoringCheckDueEffect, RemsFormDueEffect, AssessmentDueEffect, ResponseProposedEffect } from './journey/effects.js';
