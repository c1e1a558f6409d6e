/** What a failed database call means for the caller. */
export type PgFailure =
  /** The connection broke (terminated backend, network, server restart): the outcome of a write is unknown. */
  | 'connection'
  /** No connection could be made: nothing was sent. */
  | 'unreachable'
  /** The server rolled the statement back to resolve a deadlock or serialization failure: safe to retry. */
  | 'retry'
  /** A unique key was violated: the statement changed nothing. */
  | 'unique'
  | 'other';

// SQLSTATE classes and codes: 08 connection exception, 57P01-57P03 admin shutdown / crash
// shutdown / cannot connect now, 40001 serialization failure, 40P01 deadlock detected.
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', '08001', '08004']);

const codeOf = (error: unknown): string | undefined =>
  error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Classifies an error thrown by `pg`. node-postgres reports a broken socket with plain `Error`s
 * ("Connection terminated unexpectedly", "Client has encountered a connection error and is not
 * queryable"), so those are matched by message as well as by code.
 */
export function classifyPgError(error: unknown): PgFailure {
  const code = codeOf(error);
  if (code !== undefined) {
    if (UNREACHABLE_CODES.has(code)) return 'unreachable';
    if (CONNECTION_CODES.has(code) || code.startsWith('08')) return 'connection';
    if (code === '40001' || code === '40P01') return 'retry';
    if (code === '23505') return 'unique';
  }
  const message = messageOf(error);
  if (/Connection terminated|connection error|not queryable|Connection ended|timeout exceeded when trying to connect|ECONNRESET|socket hang up/i.test(message)) {
    return 'connection';
  }
  return 'other';
}

/** The constraint a unique violation named, e.g. `outbox_id_key`. */
export function constraintOf(error: unknown): string | undefined {
  const constraint = error !== null && typeof error === 'object' ? (error as { constraint?: unknown }).constraint : undefined;
  return typeof constraint === 'string' ? constraint : undefined;
}

/**
 * The error's message without values: PostgreSQL puts row values only in `detail`, which is never
 * copied into carejourney errors (it may hold clinical data).
 */
export function describePgError(error: unknown): string {
  const code = codeOf(error);
  return code === undefined ? messageOf(error) : `${messageOf(error)} (${code})`;
}
