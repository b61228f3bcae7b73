import type { DeadlineSignal } from '@authsvc/runtime';

/** The slice of a `pg` client a deadline needs: ending it drops its connection. */
export interface EndableClient {
  end(): Promise<void>;
}

// A rollback still runs after the deadline: it is how a transaction gives up cleanly.
const ROLLBACK = /^\s*rollback\b/i;

/**
 * Runs one statement of `client` under `signal`: once it has aborted, no statement is sent (a
 * COMMIT included), and a statement in flight has its connection dropped, so PostgreSQL rolls the
 * transaction back even if it was frozen and only reads the statement later. The statement then
 * fails with `signal.reason`.
 */
export async function underDeadline<T>(client: EndableClient, sql: string, signal: DeadlineSignal, run: () => Promise<T>): Promise<T> {
  if (signal.aborted && !ROLLBACK.test(sql)) signal.throwIfAborted();
  // pg's end() destroys the socket when a query is active: the pool then discards the client.
  const drop = () => void client.end().catch(() => {});
  signal.addEventListener('abort', drop);
  try {
    return await run();
  } finally {
    signal.removeEventListener('abort', drop);
  }
}
