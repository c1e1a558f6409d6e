import { replayJournal, type AnyJourneyDefinition, type JournalEntry, type JourneyStore, type PersistedSnapshot } from '@carejourney/core';

/**
 * Replays a journal as `replayJournal` does, with the protocol its start entry names read back
 * from the store (`loadProtocol`), so a replay also checks the stored protocol against its ref.
 */
export async function replayStored(store: JourneyStore, definition: AnyJourneyDefinition, journal: readonly JournalEntry[]): Promise<PersistedSnapshot> {
  const ref = journal[0]?.payload['protocolRef'];
  if (typeof ref !== 'string') return replayJournal(definition, journal);
  const stored = await store.loadProtocol(ref);
  if (stored === undefined) throw new Error(`the store holds no protocol ${ref}`);
  return replayJournal(definition, journal, { protocol: stored.protocol });
}
