import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@authsvc/adapter-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, pnpmEnv, processExists, startPnpm, type PnpmProcess } from './pnpm-process.js';

describe('pnpm start: says what it runs, and stops with its pnpm process', () => {
  let dataDir: string;
  let port: number;
  let service: PnpmProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'authsvc-start-'));
    port = await freePort();
    // No DATABASE_URL or KAFKA_BROKERS: the first start of a fresh checkout, embedded database and relay.
    service = startPnpm(['start'], pnpmEnv({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(port) }));
    await eventually(() => service.stdout().includes('authsvc listening'), 'the start log line', 110_000, service);
  });
  afterAll(async () => {
    service?.killLeftovers();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tells on stderr that it builds, then logs the URL, the database and the event mode', () => {
    expect(service.stderr()).toMatch(/^building the service \(first run takes ~40 s\)\.\.\.$/m);
    const line = service.stdout().split('\n').find((text) => text.includes('authsvc listening'))!;
    const logged = JSON.parse(line) as Record<string, unknown>;
    expect(logged).toMatchObject({
      url: `http://127.0.0.1:${port}`,
      database: expect.stringContaining(`embedded PostgreSQL in ${dataDir}`),
      events: 'embedded: in-process relay to the audit log and token cleanup (no KAFKA_BROKERS)',
    });
    expect(line).not.toContain(':postgres@');
  });

  it('stops the API and its embedded PostgreSQL when the pnpm process gets SIGTERM', async () => {
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(processExists(postmaster)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    service.child.kill('SIGTERM');
    await eventually(() => service.exited !== null, 'pnpm to exit', 30_000, service);
    await eventually(() => !processExists(postmaster), 'the embedded PostgreSQL to stop', 30_000, service);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(service.leftovers()).toEqual([]);
  }, 90_000);
});
