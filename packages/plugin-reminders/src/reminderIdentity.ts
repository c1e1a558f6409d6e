import { createHash } from 'node:crypto';

const hash = (text: string, length: number): string => createHash('sha256').update(text).digest('base64url').slice(0, length);

/**
 * The timer key of a reminder: its rule, its subject and the moment it is about. A session that
 * moves gives its reminders new keys, so a stale timer can never stand in for the new one.
 * Keys stay within the engine's 200-character limit (a long subject is hashed).
 *
 * @example
 * ```ts
 * reminderKey('session.upcoming', 's3-24h', Date.parse('2027-03-29T07:00:00Z')); // 'session.upcoming|s3-24h|2027-03-29T07:00:00.000Z'
 * ```
 */
export function reminderKey(rule: string, subject: string, aboutAt: number): string {
  const key = `${rule}|${subject}|${new Date(aboutAt).toISOString()}`;
  return key.length <= 180 ? key : `${rule.slice(0, 60)}|#${hash(key, 32)}`;
}

/**
 * A reminder's stable delivery id: the same for every attempt and every redelivery, different for
 * every reminder of every journey. The host uses it as its idempotency key.
 *
 * @example
 * ```ts
 * deliveryIdOf('j-1', 'session.upcoming|s3-24h|2027-03-29T07:00:00.000Z'); // 'rmd_…' (28 characters)
 * ```
 */
export function deliveryIdOf(journeyId: string, key: string): string {
  const text = `${journeyId}\u0000${key}`;
  let id = known.get(text);
  if (id === undefined) {
    id = `rmd_${hash(text, 24)}`;
    // Re-plans ask for the same ids again and again; the memory is bounded.
    if (known.size >= 20_000) known.clear();
    known.set(text, id);
  }
  return id;
}

const known = new Map<string, string>();

/** The key of a retry timer: the reminder's key and the attempt it makes. */
export const retryKey = (key: string, attempt: number): string => `${key}~${attempt}`;
