import { replayJournal, type AnyJourneyDefinition, type JournalEntry, type JourneyStore, type PersistedSnapshot } from '@carejourney/core';

/**
 * Replays a journal read from `store`, with the protocol its start entry names by `protocolRef`
 * read back from the same store (`loadProtocol`), as an audit of the stored journey would.
 */
export async function replayStored(store: JourneyStore, definition: AnyJourneyDefinition, journal: readonly JournalEntry[]): Promise<PersistedSnapshot> {
  const ref = journal[0]?.payload['protocolRef'];
  if (typeof ref !== 'string') return replayJournal(definition, journal);
  const stored = await store.loadProtocol(ref);
  if (stored === undefined) throw new Error(`the store lacks protocol ${ref}, named by the start entry of journey ${journal[0]!.journeyId}`);
  return replayJournal(definition, journal, { protocol: stored.protocol });
}
