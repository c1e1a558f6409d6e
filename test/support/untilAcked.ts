import { existsSync, readFileSync } from 'node:fs';
import { sleep, type Child } from './spawnChild.js';

/** How many events a child's JSON-lines log acknowledged so far (`"t":"acked"` lines). */
export function ackedIn(logPath: string): number {
  if (!existsSync(logPath)) return 0;
  return readFileSync(logPath, 'utf8').split('"t":"acked"').length - 1;
}

/**
 * Waits until the child logged `count` acknowledged events, so a kill that follows lands after
 * real work however loaded the machine is; fails if the child ends first or takes over 30 s.
 */
export async function untilAcked(child: Child, logPath: string, count: number): Promise<void> {
  let ended = false;
  void child.exited.then(() => {
    ended = true;
  });
  const deadline = Date.now() + 30_000;
  while (ackedIn(logPath) < count) {
    if (ended) throw new Error(`the child ended before acknowledging ${count} events: ${child.stderr()}`);
    if (Date.now() > deadline) throw new Error(`the child acknowledged ${ackedIn(logPath)} of ${count} events in 30 s: ${child.stderr()}`);
    await sleep(2);
  }
}
