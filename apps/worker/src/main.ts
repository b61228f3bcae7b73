import { ConfigError, loadDotEnv, stopOnSignals } from '@authsvc/runtime';
import { startWorker } from './composition-root.js';
import { loadWorkerConfig } from './config.js';

/** Starts the worker and stops it cleanly on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadWorkerConfig();
  const worker = await startWorker(config, {}, (error) => {
    // A consumer that kafkajs will not restart leaves this process useless: exit so it is restarted.
    console.error(error);
    process.exit(1);
  });

  stopOnSignals({
    announce: 'committing processed offsets and leaving the consumer groups',
    stop: () => worker.stop(),
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    log: worker.logger,
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
