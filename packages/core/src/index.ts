// The public contract of @carejourney/core: named exports only.
export { CareJourneyError, isCareJourneyError, ERROR_CODES } from './errors.js';
export type { CareJourneyErrorCode, CareJourneyErrorDetails, FieldIssue } from './errors.js';

export { createEngine, JourneyEngine } from './engine/createEngine.js';
export type { EngineOptions, StartOptions, SendOptions, FiredTimer, JourneySummary } from './engine/createEngine.js';
export { defineJourney } from './engine/defineJourney.js';
export type {
  AnyJourneyDefinition,
  EventSchemas,
  JourneyDefinition,
  JourneyDefinitionConfig,
  JourneyEventFrom,
  JourneyInputFrom,
  JourneyPolicy,
  JourneyProtocolFrom,
  JourneyRoleFrom,
  JourneyStartInput,
  SnapshotMigration,
} from './engine/defineJourney.js';
export { guardRule, guardsFrom } from './engine/guardRule.js';
export type { GuardArgs, GuardRule, StampedEvent } from './engine/guardRule.js';
export type { JourneyView } from './engine/JourneyView.js';
export type { SendResult } from './engine/SendResult.js';
export type { BlockedEvent } from './engine/explainEvents.js';
export type { JourneyEffect } from './engine/collectActions.js';
export type {
  EngineEvents,
  EngineListener,
  EffectNotice,
  PluginErrorNotice,
  RefusedNotice,
  TimerFiredNotice,
  TransitionNotice,
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

export type { JourneyStore, JourneyCommit, JourneyQuery } from './store/JourneyStore.js';
export { MemoryStore } from './store/MemoryStore.js';
export { conflictError, assertCommitShape } from './store/conflict.js';
export { matchesQuery, stateMatches } from './store/matchesQuery.js';
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

export type { Clock } from './time/Clock.js';
export { SystemClock } from './time/SystemClock.js';
export { ManualClock } from './time/ManualClock.js';
export { toMillis, durationSchema } from './time/duration.js';
export type { Duration } from './time/duration.js';

export { checkJsonSafe, DEFAULT_INPUT_LIMITS } from './validation/checkJsonSafe.js';
export type { InputLimits } from './validation/checkJsonSafe.js';
