/**
 * Helpers for store and plugin authors: the store conformance suite every `JourneyStore` passes.
 * Imports vitest.
 *
 * @example
 * ```ts
 * import { describeJourneyStore } from '@carejourney/core/testing';
 *
 * describeJourneyStore('MyStore', { create: () => new MyStore() });
 * ```
 *
 * @module @carejourney/core/testing
 */
// `@carejourney/core/testing`: helpers for store and plugin authors. Imports vitest.
export { describeJourneyStore } from './store/describeJourneyStore.js';
export type { StoreHarness } from './store/describeJourneyStore.js';
