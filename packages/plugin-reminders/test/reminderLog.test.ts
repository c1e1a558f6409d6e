// Both reminder logs keep the same contract: idempotent appends, a journey's records in order,
// one reminder's records on request, validated records. The SQLite one keeps them across a reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isCareJourneyError } from '@carejourney/core';
import { MemoryReminderLog, type ReminderLog, type ReminderRecord } from '../src/index.js';
import { SqliteReminderLog } from '../src/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'carejourney-reminder-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `log-${++files}.db`);

function record(id: string, journeyId: string, deliveryId: string, outcome: ReminderRecord['outcome'] = 'delivered'): ReminderRecord {
  return {
    id,
    journeyId,
    deliveryId,
    rule: 'session.upcoming',
    kind: 'session.upcoming',
    audience: 'patient',
    templateKey: 'session.upcoming',
    outcome,
    reason: null,
    channel: 'sms',
    attempt: 1,
    aboutAt: '2027-03-15T08:00:00.000Z',
    plannedAt: '2027-03-14T08:00:00.000Z',
    quietHours: null,
    lateMinutes: null,
    nextAttemptAt: null,
    escalationId: null,
    errorCode: null,
    at: '2027-03-14T08:00:00.000Z',
  };
}

const logs: [string, () => ReminderLog][] = [
  ['MemoryReminderLog', () => new MemoryReminderLog()],
  ['SqliteReminderLog', () => new SqliteReminderLog({ path: freshPath() })],
];

describe.each(logs)('%s', (_name, make) => {
  it('appends idempotently, lists a journey in order, and filters by delivery id', async () => {
    const log = make();
    await log.append(record('a:delivered', 'j-1', 'a'));
    await log.append(record('b:attempt-failed:1', 'j-1', 'b', 'attempt-failed'));
    await log.append(record('x:delivered', 'j-2', 'x'));
    await log.append(record('b:delivered', 'j-1', 'b'));
    await log.append({ ...record('a:delivered', 'j-1', 'a'), channel: 'email' });
    expect((await log.list('j-1')).map((r) => r.id)).toEqual(['a:delivered', 'b:attempt-failed:1', 'b:delivered']);
    expect((await log.list('j-1')).find((r) => r.id === 'a:delivered')?.channel).toBe('sms');
    expect((await log.list('j-1', { deliveryId: 'b' })).map((r) => r.outcome)).toEqual(['attempt-failed', 'delivered']);
    expect(await log.list('j-unknown')).toEqual([]);
    // Records are copies: changing one changes nothing stored.
    const [first] = await log.list('j-1');
    (first as { channel: string }).channel = 'changed';
    expect((await log.list('j-1'))[0]?.channel).toBe('sms');
    await log.close?.();
  });

  it('refuses a malformed record and stores nothing', async () => {
    const log = make();
    await expect(log.append({ ...record('a', 'j-1', 'a'), outcome: 'sent' as never })).rejects.toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT', message: expect.stringContaining('record.outcome') }),
    );
    await expect(log.append({ ...record('b', 'j-1', 'b'), aboutAt: 'tomorrow' })).rejects.toThrowError(
      expect.objectContaining({ code: 'CJ_ERR_INVALID_INPUT', message: expect.stringContaining('record.aboutAt') }),
    );
    expect(await log.list('j-1')).toEqual([]);
    await log.close?.();
  });
});

describe('SqliteReminderLog', () => {
  it('keeps its records across a reopen, beside the store in the same file', async () => {
    const path = freshPath();
    const log = new SqliteReminderLog({ path });
    await log.append(record('a:delivered', 'j-1', 'a'));
    await log.close();
    const again = new SqliteReminderLog({ path, synchronous: 'normal' });
    expect((await again.list('j-1')).map((r) => r.id)).toEqual(['a:delivered']);
    await again.close();
  });

  it('names the journey, never the content, for a damaged row, and refuses bad options', async () => {
    const path = freshPath();
    const log = new SqliteReminderLog({ path });
    await log.append(record('a:delivered', 'j-1', 'a'));
    const db = new Database(path);
    db.prepare("UPDATE reminder_records SET record = '{\"secret\":\"+49 151\"' WHERE id = 'a:delivered'").run();
    db.close();
    const error = await log.list('j-1').catch((e: unknown) => e);
    expect(isCareJourneyError(error, 'CJ_ERR_CORRUPT_SNAPSHOT')).toBe(true);
    expect((error as Error).message).toContain('journey "j-1"');
    expect((error as Error).message).not.toContain('+49');
    await log.close();
    expect(() => new SqliteReminderLog({ path: '' })).toThrowError(expect.objectContaining({ code: 'CJ_ERR_INVALID_CONFIG' }));
    expect(() => new SqliteReminderLog({ path, synchronous: 'off' as never })).toThrowError(/synchronous must be "full" or "normal"/);
  });

  it('refuses a database whose reminder schema is newer than this release', async () => {
    const path = freshPath();
    await new SqliteReminderLog({ path }).close();
    const db = new Database(path);
    db.prepare('INSERT INTO carejourney_reminders_schema_version (version, applied_at) VALUES (99, ?)').run(new Date(0).toISOString());
    db.close();
    expect(() => new SqliteReminderLog({ path })).toThrowError(expect.objectContaining({ code: 'CJ_ERR_STORE', message: expect.stringContaining('version 99') }));
  });
});
