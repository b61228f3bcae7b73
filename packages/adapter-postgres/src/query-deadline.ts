import { AsyncLocalStorage } from 'node:async_hooks';

/** The deadline of the work under way (a request's), seen by every query that work makes. */
const deadlines = new AsyncLocalStorage<AbortSignal>();

/** The slice of a `pg` client a deadline needs: ending it drops its connection. */
export interface EndableClient {
  end(): Promise<void>;
}

// A rollback still runs after the deadline: it is how a transaction gives up cleanly.
const ROLLBACK = /^\s*rollback\b/i;

/**
 * Runs `work` with every query it starts (through a pool of {@link createKysely}) bound to
 * `signal`: once it aborts, no further statement is sent (a COMMIT included), and a statement in
 * flight has its connection dropped, so PostgreSQL rolls the transaction back even if it was
 * frozen and only reads the statement later. Queries then fail with `signal.reason`.
 */
export function withQueryDeadline<T>(signal: AbortSignal, work: () => T): T {
  return deadlines.run(signal, work);
}

/** Runs one statement of `client` under the current deadline, if any. */
export async function underDeadline<T>(client: EndableClient, sql: string, run: () => Promise<T>): Promise<T> {
  const signal = deadlines.getStore();
  if (signal === undefined) return run();
  if (signal.aborted && !ROLLBACK.test(sql)) throw signal.reason;
  // pg's end() destroys the socket when a query is active: the pool then discards the client.
  const drop = () => void client.end().catch(() => {});
  signal.addEventListener('abort', drop, { once: true });
  try {
    return await run();
  } finally {
    signal.removeEventListener('abort', drop);
  }
}
