import pg from 'pg';

/**
 * The channel an outbox write notifies (`KyselyOutbox.append`). PostgreSQL delivers a `NOTIFY`
 * at commit and drops it on rollback, so a listener hears of committed events only.
 */
export const OUTBOX_CHANNEL = 'authsvc_outbox';

/** Options of {@link startOutboxListener}. */
export interface OutboxListenerOptions {
  /** `postgres://` URL of the database whose outbox is written. */
  readonly databaseUrl: string;
  /** Told of every notification: events were committed to the outbox (the payload is empty for those). */
  readonly onNotification: (payload: string) => void;
  /**
   * Told each time the listener is (again) listening. Notifications sent while it was not are
   * lost, so a relay woken here looks at the outbox at once instead of at its next poll.
   */
  readonly onListening?: () => void;
  /** Told of a lost or refused connection, and how long until the next attempt. */
  readonly onError?: (error: unknown, retryInMs: number) => void;
  /** Shown in `pg_stat_activity`. Default `authsvc-outbox-listener`. */
  readonly applicationName?: string;
  /** Wait before the first reconnection attempt, doubled per further failure. Default 100 ms. */
  readonly initialBackoffMs?: number;
  /** Upper bound of that wait. Default 5 s. */
  readonly maxBackoffMs?: number;
}

/** A running listener. */
export interface OutboxListener {
  /** True while its connection is up and listening. */
  readonly listening: boolean;
  /** Closes its connection and stops reconnecting. */
  stop(): Promise<void>;
}

/**
 * Listens on {@link OUTBOX_CHANNEL} through a dedicated connection (a pooled one would be handed
 * to other work and stop hearing), so a relay can be woken the moment a transaction that wrote
 * the outbox commits. When the connection drops or cannot be made, it reconnects with
 * exponential backoff; a relay's poll is the fallback meanwhile, so nothing here can lose an
 * event, only delay it by one poll.
 */
export function startOutboxListener(options: OutboxListenerOptions): OutboxListener {
  const initialBackoffMs = options.initialBackoffMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  let client: pg.Client | undefined;
  let listening = false;
  let stopped = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  const retry = (error: unknown, failed: pg.Client) => {
    // A client reports one loss as an error and then an end: act on the first only.
    if (stopped || client !== failed) return;
    client = undefined;
    listening = false;
    failed.removeAllListeners();
    // Keeps a late 'error' of the dead client from being unhandled (that would crash the process).
    failed.on('error', () => {});
    void failed.end().catch(() => {});
    failures += 1;
    const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (failures - 1));
    options.onError?.(error, delay);
    retryTimer = setTimeout(connect, delay);
  };

  const connect = () => {
    retryTimer = undefined;
    const next = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: options.applicationName ?? 'authsvc-outbox-listener',
      keepAlive: true,
    });
    client = next;
    next.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL) options.onNotification(message.payload ?? '');
    });
    next.on('error', (error) => retry(error, next));
    next.on('end', () => retry(new Error('outbox listener connection ended'), next));
    next
      .connect()
      .then(() => next.query(`LISTEN ${OUTBOX_CHANNEL}`))
      .then(
        () => {
          if (client !== next) return;
          failures = 0;
          listening = true;
          options.onListening?.();
        },
        (error: unknown) => retry(error, next),
      );
  };

  connect();
  return {
    get listening() {
      return listening;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      listening = false;
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
