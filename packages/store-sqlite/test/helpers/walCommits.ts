import { existsSync, readFileSync } from 'node:fs';

/**
 * Counts the write transactions in a database's write-ahead log: every transaction SQLite
 * commits in WAL mode appends its pages to `<db>-wal`, the last one flagged as a commit frame
 * (and, with `synchronous=full`, syncs the log once). Only frames of the log's current
 * generation count (their salts match the header's): a checkpoint that restarts the log makes
 * the count drop, never rise, so a test that expects a rise cannot pass by accident.
 */
export function walCommits(dbPath: string): number {
  const path = `${dbPath}-wal`;
  if (!existsSync(path)) return 0;
  const wal = readFileSync(path);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    // The frame header's second word is the database size after a commit, 0 on other frames.
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}
