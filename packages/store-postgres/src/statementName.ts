import { createHash } from 'node:crypto';

/** PostgreSQL keeps the first 63 bytes of a prepared statement's name (NAMEDATALEN - 1). */
export const MAX_STATEMENT_NAME = 63;

/**
 * The name of a prepared statement of the store on `schema`: `cj_`, twelve hex digits of the
 * schema name's SHA-256, `_` and the statement's own name. The schema itself would not fit: a
 * 48-character schema with a statement name of 15 is past 63 characters, which PostgreSQL cuts
 * (names that differ only after the cut would then clash) and `pg` warns about on every use.
 * Statements live per connection and each store has its own pool, so the hash only keeps names
 * apart in logs and `pg_prepared_statements`.
 *
 * @example
 * ```ts
 * statementName('carejourney', 'claimDueTimers'); // 'cj_<12 hex digits>_claimDueTimers', 31 characters
 * ```
 */
export function statementName(schema: string, name: string): string {
  const hash = createHash('sha256').update(schema).digest('hex').slice(0, 12);
  return `cj_${hash}_${name}`;
}
