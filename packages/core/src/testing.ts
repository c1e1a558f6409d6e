// `@carejourney/core/testing`: helpers for store and plugin authors. Imports vitest.
export { describeJourneyStore } from './store/describeJourneyStore.js';
export type { StoreHarness } from './store/describeJourneyStore.js';
