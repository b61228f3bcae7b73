/**
 * What a database failure means for the caller:
 * - `unavailable`: the server cannot be reached or dropped the connection; retry later.
 * - `timeout`: a deadline passed (ours, or the server's statement or transaction timeout); retry later.
 * - `bad_input`: the server refused a value (invalid encoding, out of range); the request is at fault.
 * - `bug`: anything else; our fault, not to be shown.
 */
export type DatabaseErrorKind = 'unavailable' | 'timeout' | 'bad_input' | 'bug';

// pg and Node errors of a connection, and PostgreSQL's 57P0x: an administrator shutdown, a crash
// restart, a server that cannot connect now. SQLSTATE class 08 (connection exceptions) too.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|Client was closed and is not queryable/i;
// 57014 query_canceled (statement_timeout), 25P03 idle_in_transaction_session_timeout, 25P04 transaction_timeout.
const TIMEOUT_CODES = new Set(['57014', '25P03', '25P04']);
// 54000 program_limit_exceeded (a value too big to index); class 22 holds every data exception.
const BAD_INPUT_CODES = new Set(['54000']);

const codeOf = (error: Error): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

/** Classifies a failure of a database call; an AggregateError (pg's connect to several addresses) by its parts. */
export function classifyDatabaseError(error: unknown): DatabaseErrorKind {
  if (!(error instanceof Error)) return 'bug';
  // An aborted deadline's reason (AbortSignal.timeout's), as thrown by a query under it.
  if (error.name === 'TimeoutError') return 'timeout';
  const code = codeOf(error);
  if (code !== undefined) {
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return 'unavailable';
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (BAD_INPUT_CODES.has(code) || /^22[0-9A-Z]{3}$/.test(code)) return 'bad_input';
  }
  if (error instanceof AggregateError && error.errors.some((part) => classifyDatabaseError(part) === 'unavailable')) return 'unavailable';
  return UNAVAILABLE_MESSAGES.test(error.message) ? 'unavailable' : 'bug';
}
