import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type OpenDatabase } from '@authsvc/adapter-postgres';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@authsvc/postgres-embedded';
import { createTestDatabase, freePort, TEST_POOL } from '@authsvc/testing-postgres';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildApi, type Outcome, post, startChildApi } from './child-api.js';
import { postgresProcesses } from './postgres-processes.js';
import { johnDoe } from './support.js';

// The API runs as a process of its own: a crash on a lost connection must show as an exit, not
// take the test runner down with it.
const children: ChildApi[] = [];
afterAll(() => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function start(databaseUrl: string): Promise<ChildApi> {
  const api = await startChildApi(databaseUrl);
  children.push(api);
  return api;
}

/** GETs `/me` with a token and reports what happened, never throwing. */
async function me(baseUrl: string, key: string): Promise<Outcome> {
  try {
    const response = await fetch(`${baseUrl}/api/users/me/`, {
      headers: { authorization: `Token ${key}` },
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null, error: null };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: null, body: null, error: cause?.code ?? (error as Error).name };
  }
}

/** A steady `/me` and login load from a few workers until `stop()`; bounded in requests and time. */
function steadyLoad(api: ChildApi, key: string) {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const until = Date.now() + 60_000;
  const worker = async (w: number) => {
    for (let i = 0; i < 5_000 && !stopped && Date.now() < until; i += 1) {
      outcomes.push(
        w % 2 === 0
          ? await me(api.baseUrl, key)
          : await post(api.baseUrl, '/api/users/login/', { email: johnDoe.email, password: johnDoe.password1 }),
      );
    }
  };
  const running = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
  return {
    outcomes,
    /** Resolves once `count` more requests than now have been answered with `status`. */
    async answered(status: number, count: number, timeoutMs: number): Promise<void> {
      const target = outcomes.filter((o) => o.status === status).length + count;
      const deadline = Date.now() + timeoutMs;
      while (outcomes.filter((o) => o.status === status).length < target) {
        if (Date.now() > deadline || api.child.exitCode !== null)
          throw new Error(`no ${count} answers of ${status} within ${timeoutMs} ms\n${api.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop(): Promise<Outcome[]> {
      stopped = true;
      await running;
      return outcomes;
    },
  };
}

/** Registers and logs in John Doe, returning his token. */
async function signUp(api: ChildApi): Promise<string> {
  expect((await post(api.baseUrl, '/api/users/registration/', johnDoe)).status).toBe(201);
  const login = await post(api.baseUrl, '/api/users/login/', { email: johnDoe.email, password: johnDoe.password1 });
  return (login.body as { key: string }).key;
}

/** Every request got an answer, and no answer was worse than a 503 to retry. */
function expectOnly200Or503(outcomes: readonly Outcome[]): void {
  const unexpected = outcomes.filter((o) => o.status !== 200 && o.status !== 503);
  expect(unexpected.slice(0, 5)).toEqual([]);
  for (const o of outcomes.filter((o) => o.status === 503))
    expect(o.body).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
}

describe('the API losing its database connections under load', () => {
  let database: OpenDatabase;
  beforeAll(async () => {
    database = await openDatabase(await createTestDatabase(), TEST_POOL);
  });
  afterAll(async () => {
    await database?.close();
  });

  it(
    'pg_terminate_backend of its backends three times: stays up, 503 at worst, serves again without a restart',
    { timeout: 120_000 },
    async () => {
      const api = await start(database.url);
      const key = await signUp(api);
      const load = steadyLoad(api, key);
      await load.answered(200, 20, 20_000);
      for (let round = 0; round < 3; round += 1) {
        // In the select list, not the where clause, so it runs only on the rows the filter kept.
        const terminated = await sql<{ terminated: boolean }>`
        select pg_terminate_backend(pid) as terminated from pg_stat_activity
        where datname = current_database() and application_name = 'authsvc-api'`.execute(database.db);
        expect(terminated.rows.length).toBeGreaterThan(0);
        // Serving again, on new connections, within seconds.
        await load.answered(200, 20, 10_000);
      }
      const outcomes = await load.stop();
      expect(api.child.exitCode, api.output()).toBeNull();
      expectOnly200Or503(outcomes);
      console.info(
        `terminated backends 3 times: ${outcomes.length} requests, ${outcomes.filter((o) => o.status === 503).length} answered 503`,
      );
      api.child.kill('SIGTERM');
      expect((await api.exited).code).toBe(0);
    },
  );

  describe('with a PostgreSQL of its own', () => {
    let dataDir: string;
    let port: number;
    let postgres: EmbeddedPostgres | null = null;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'authsvc-connloss-'));
      port = await freePort();
      postgres = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
    });
    afterAll(async () => {
      await postgres?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('the postmaster killed under load: stays up, 503 at worst, serves again once PostgreSQL is back', { timeout: 120_000 }, async () => {
      const api = await start(postgres!.url);
      const key = await signUp(api);
      const load = steadyLoad(api, key);
      await load.answered(200, 20, 20_000);
      // A crash of the whole server: the postmaster and every backend, at once.
      for (const pid of postgresProcesses(dataDir)) process.kill(pid, 'SIGKILL');
      postgres = null;
      // The process survives the lost connections and keeps answering while the server is down.
      await load.answered(503, 10, 15_000);
      postgres = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
      await load.answered(200, 20, 15_000);
      const outcomes = await load.stop();
      expect(api.child.exitCode, api.output()).toBeNull();
      expectOnly200Or503(outcomes);
      console.info(`postmaster killed: ${outcomes.length} requests, ${outcomes.filter((o) => o.status === 503).length} answered 503`);
      api.child.kill('SIGTERM');
      expect((await api.exited).code).toBe(0);
    });
  });
});
