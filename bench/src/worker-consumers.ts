/**
 * The worker's consumers for the events figure: the production composition root
 * (`startWorker` of apps/worker, configured from the same environment as `main.js`), with one
 * override, the consumers' fetch wait (BENCH_CONSUMER_MAX_WAIT_MS). librdkafka's mock broker holds
 * a fetch that finds no records for the whole wait instead of answering when records arrive, as
 * a real broker does; with kafkajs' default of 5 s the figure would time the mock's wait, not the
 * pipeline.
 */
import { loadWorkerConfig, startWorker } from '@authsvc/worker';

const worker = await startWorker(loadWorkerConfig(), {
  consumerConfig: { maxWaitTimeInMs: Number(process.env.BENCH_CONSUMER_MAX_WAIT_MS ?? 100) },
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void worker.stop().finally(() => process.exit(0));
  });
}
