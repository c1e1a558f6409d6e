import { MemoryStore } from '../src/index.js';
import { describeJourneyStore } from '../src/testing.js';

describeJourneyStore('MemoryStore', { create: () => new MemoryStore() });
