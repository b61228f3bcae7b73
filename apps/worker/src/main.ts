import { KafkaStartupError } from '@authsvc/adapter-kafka';
import { ConfigError, loadDotEnv, stopOnSignals } from '@authsvc/runtime';
import { startWorker } from './composition-root.js';
import { loadWorkerConfig } from './config.js';

/**
 * Node writes process warnings to stderr as plain text (kafkajs sets negative timeouts, which Node
 * 24 warns about); write them as JSON lines like the rest of the log, so the only plain line a
 * failed start prints is the one that names the fix.
 */
function logWarningsAsJson(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), msg: warning.message, warning: warning.name })}\n`);
  });
}

/** Starts the worker and stops it cleanly on SIGTERM or SIGINT, or when something it did not expect breaks. */
async function main(): Promise<void> {
  logWarningsAsJson();
  loadDotEnv();
  const config = loadWorkerConfig();
  const worker = await startWorker(config);

  stopOnSignals({
    announce: 'committing processed offsets and leaving the consumer groups',
    stop: () => worker.stop(),
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    log: worker.logger,
  });
  // A bug that escapes every handler ends the process, but only after each consumer has left its
  // group: a member that just vanishes holds its partitions for a whole session timeout.
  const fatal = (error: unknown): void => {
    worker.logger.fatal({ err: error }, 'unexpected error: leaving the consumer groups and exiting');
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    void worker.stop().finally(() => process.exit(1));
  };
  process.once('uncaughtException', fatal);
  process.once('unhandledRejection', fatal);
}

main().catch((error: unknown) => {
  // What an operator can fix (a setting, the brokers) is one line; anything else keeps its stack.
  const known = error instanceof ConfigError || error instanceof KafkaStartupError;
  console.error(
    known ? error.message : `The worker could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
