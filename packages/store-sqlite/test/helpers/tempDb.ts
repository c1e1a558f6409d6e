import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs: string[] = [];

/** A fresh database path in its own temporary directory; {@link removeTempDbs} deletes them. */
export function tempDbPath(name = 'journeys.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'carejourney-sqlite-'));
  dirs.push(dir);
  return join(dir, name);
}

/** Deletes every directory {@link tempDbPath} made in this process. Call it from `afterAll`. */
export function removeTempDbs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
