import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockKafka, type MockKafka } from '@authsvc/adapter-kafka/testing';
import { freePort } from '@authsvc/testing-postgres';
import {
  eventually,
  LAUNCH_TIMEOUT_MS,
  pnpmEnv,
  postmasterPid,
  processExists,
  startPnpm,
  stopPnpm,
  type PnpmProcess,
} from '@authsvc/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('pnpm start:worker: says it builds, and stops with its pnpm process', () => {
  let kafka: MockKafka;
  let dataDir: string;
  let worker: PnpmProcess;

  beforeAll(async () => {
    kafka = await startMockKafka();
    dataDir = await mkdtemp(join(tmpdir(), 'authsvc-start-worker-'));
    // No DATABASE_URL: the worker starts the embedded PostgreSQL itself, as on a fresh checkout.
    const env = { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_IDEMPOTENT: String(kafka.idempotent), DATA_DIR: dataDir };
    worker = startPnpm(['start:worker'], pnpmEnv({ ...env, EMBEDDED_PG_PORT: String(await freePort()) }));
    await eventually(() => worker.stdout().includes('worker started'), 'the worker to start', LAUNCH_TIMEOUT_MS, worker);
  }, LAUNCH_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    worker?.killLeftovers();
    await kafka?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs which database and brokers it uses, without the password', () => {
    const line = worker
      .stdout()
      .split('\n')
      .find((text) => text.includes('worker started'))!;
    expect(JSON.parse(line)).toMatchObject({
      database: expect.stringContaining(`embedded PostgreSQL in ${dataDir}`),
      brokers: kafka.brokers,
    });
    expect(line).not.toContain(':postgres@');
  });

  it('stops the worker and its embedded PostgreSQL when the pnpm process gets SIGINT', async () => {
    expect(worker.stderr()).toMatch(/^building the worker \(first run takes ~40 s\)\.\.\.$/m);
    const postmaster = postmasterPid(dataDir);
    expect(processExists(postmaster)).toBe(true);

    await stopPnpm(worker, 'SIGINT', postmaster);
    expect(worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.leftovers()).toEqual([]);
  }, 90_000);
});
