import cluster from 'node:cluster';
import { runClusterPrimary } from './cluster.js';
import { createApiApp } from './composition-root.js';
import { ConfigError, loadDotEnv, stopOnSignals } from '@authsvc/runtime';
import { loadConfig } from './config.js';
import { startSummary } from './start-summary.js';
import { raiseEventLoopPriority } from './thread-pool-priority.js';

/** Starts the API and stops it cleanly on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  if (config.WEB_CONCURRENCY > 1 && cluster.isPrimary) return runClusterPrimary(config);
  if (cluster.isWorker) raiseEventLoopPriority(config.THREADPOOL_NICENESS);
  const app = await createApiApp(config);
  const address = await app.server.listen({ host: config.HOST, port: config.PORT });
  app.server.log.info({ url: address, ...startSummary(config, app) }, `authsvc listening on ${address}`);

  stopOnSignals({
    announce: 'draining in-flight requests',
    stop: () => app.close(),
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    log: app.server.log,
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
