import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { stopOnSignals } from '@authsvc/runtime';
import type { ApiConfig } from './config.js';
import { openApiDatabase } from './database.js';
import { hashingThreadsFile } from './hashing-cgroup.js';
import { apiNodeFlags } from './node-flags.js';

const THREADPOOL_NICENESS_PRELOAD = fileURLToPath(new URL('./threadpool-niceness.cjs', import.meta.url));

/**
 * The primary of a WEB_CONCURRENCY > 1 deployment: it opens the database once (starting the
 * embedded server and migrating, so workers never race to), then forks that many workers, each
 * a full API sharing the port through node:cluster and told the database's URL. A worker that
 * dies is replaced, one that fails to start stops the primary. On SIGTERM/SIGINT workers drain first; the embedded database stops last.
 *
 * Why processes: one Node process runs JavaScript on one core, and the per-request work of the
 * authenticated read (HTTP parsing, query building, pg protocol) is JavaScript.
 * UV_THREADPOOL_SIZE, when set, reaches the workers through their environment, which is the only
 * way to size libuv's pool (where scrypt runs) before any of their modules load. For the same
 * reason a preload lowers the pool's priority by THREADPOOL_NICENESS, and moves it into
 * HASHING_CGROUP when one is set, before they load. Workers get the API's V8 flags even when the
 * primary was started without them.
 */
export async function runClusterPrimary(config: ApiConfig): Promise<void> {
  const threadsFile = config.HASHING_CGROUP === undefined ? undefined : hashingThreadsFile(config.HASHING_CGROUP);
  const database = await openApiDatabase(config, 'authsvc-api-primary');
  // The primary serves nothing; its pool's idle connection closes by itself after 30 s.
  const env = {
    DATABASE_URL: database.url,
    THREADPOOL_NICENESS: String(config.THREADPOOL_NICENESS),
    ...(threadsFile && { HASHING_THREADS_FILE: threadsFile }),
  };
  cluster.setupPrimary({
    execArgv: [...apiNodeFlags(process.execArgv, process.env.NODE_OPTIONS), ...process.execArgv, '--require', THREADPOOL_NICENESS_PRELOAD],
  });
  let stopping = false;
  const fork = (): Worker => cluster.fork(env);
  const stopWorkers = async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exited = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    for (const worker of workers) worker.process.kill('SIGTERM');
    await Promise.all(exited);
    await database.close();
  };
  const served = new WeakSet<Worker>();
  cluster.on('listening', (worker) => served.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!served.has(worker)) {
      // It failed to start (a taken PORT, say) and has said why: another would fail the same way.
      void stopWorkers().finally(() => process.exit(code || 1));
      return;
    }
    console.error(`authsvc worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  // One worker first: should it fail to start (a taken PORT), one worker says why, not all of them.
  fork().once('listening', () => {
    for (let i = 1; i < config.WEB_CONCURRENCY; i++) fork();
  });

  // The primary has no logger of its own; its few lines go to stderr beside the workers' logs.
  const log = {
    info: (message: string) => console.error(message),
    error: ({ err }: { err: unknown }, message: string) => console.error(message, err),
  };
  stopOnSignals({
    announce: 'draining the workers',
    stop: stopWorkers,
    // Each worker forces its own exit after SHUTDOWN_TIMEOUT_MS; this is the backstop.
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS + 5_000,
    log,
  });
}
