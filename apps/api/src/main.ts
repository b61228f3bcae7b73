import cluster from 'node:cluster';
import { runClusterPrimary } from './cluster.js';
import { createApiApp } from './composition-root.js';
import { ConfigError, loadDotEnv, stopOnSignals } from '@authsvc/runtime';
import { type ApiConfig, loadConfig } from './config.js';
import { startSummary } from './start-summary.js';

/** A listen failure the operator fixes with PORT or HOST told as such (a ConfigError, printed as one line); others as they are. */
function listenError(error: unknown, config: ApiConfig): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.HOST}:${config.PORT}`;
  if (code === 'EADDRINUSE')
    return new ConfigError(`PORT: ${where} is taken by another program; set PORT to a free port`, { cause: error });
  if (code === 'EACCES') return new ConfigError(`PORT: this user may not listen on ${where}; set PORT to 1024 or above`, { cause: error });
  if (code === 'EADDRNOTAVAIL')
    return new ConfigError(`HOST: ${config.HOST} is no address of this machine; set HOST to one (127.0.0.1, 0.0.0.0)`, { cause: error });
  return error;
}

/** Starts the API and stops it cleanly on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  if (config.WEB_CONCURRENCY > 1 && cluster.isPrimary) return runClusterPrimary(config);
  // Only cluster workers load the preload that moves the hashing threads.
  if (config.HASHING_CGROUP !== undefined && config.WEB_CONCURRENCY === 1)
    throw new ConfigError('HASHING_CGROUP: takes effect with WEB_CONCURRENCY of 2 or more; raise WEB_CONCURRENCY, or unset HASHING_CGROUP');
  const app = await createApiApp(config);
  let address: string;
  try {
    address = await app.server.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    // Stop the embedded database this process may have started before reporting.
    await app.close();
    throw listenError(error, config);
  }
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
