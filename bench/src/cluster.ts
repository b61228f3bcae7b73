import cluster from 'node:cluster';

/**
 * Runs `serve` in `workers` processes sharing one port (node:cluster), or in this process when
 * `workers` is 1, so every server in the bench uses the cores the same way the API does.
 * `prepare` runs once, in the primary, before any worker starts (migrations, say).
 */
export async function runClustered(workers: number, prepare: () => Promise<void>, serve: () => Promise<void>): Promise<void> {
  if (workers <= 1) {
    await prepare();
    await serve();
    return;
  }
  if (cluster.isPrimary) {
    await prepare();
    for (let i = 0; i < workers; i++) cluster.fork();
    const stop = () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
      setTimeout(() => process.exit(0), 2_000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }
  await serve();
}
