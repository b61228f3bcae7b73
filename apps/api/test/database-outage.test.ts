import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@authsvc/postgres-embedded';
import { freePort } from '@authsvc/testing-postgres';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp, type ApiApp } from '../src/composition-root.js';
import { loadConfig } from '../src/config.js';
import { postgresProcesses } from './postgres-processes.js';
import { johnDoe } from './support.js';

// A PostgreSQL of this file's own, so stopping and freezing it disturbs no other test.
let dataDir: string;
let port: number;
let postgres: EmbeddedPostgres | null = null;
let app: ApiApp;
let baseUrl: string;
let key: string;

const startPostgres = async () => {
  postgres = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'authsvc-outage-'));
  port = await freePort();
  await startPostgres();
  const config = loadConfig({
    DATABASE_URL: postgres!.url,
    LOG_LEVEL: 'silent',
    SCRYPT_LOG_N: '10',
    // Throttles on: their counters live in the database too, and must fail as cleanly.
    LOGIN_RATE: '10000/min',
    REGISTRATION_RATE: '10000/min',
    // A frozen database never answers: the deadline turns that into a 503.
    REQUEST_DEADLINE_MS: '2500',
  });
  app = await createApiApp(config);
  baseUrl = await app.server.listen({ host: '127.0.0.1', port: 0 });
  await call('POST', '/api/users/registration/', johnDoe);
  key = ((await call('POST', '/api/users/login/', { email: johnDoe.email, password: johnDoe.password1 })).body as { key: string }).key;
});
afterAll(async () => {
  await app?.close();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Timed {
  readonly status: number;
  readonly body: unknown;
  readonly ms: number;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null, ms: performance.now() - started };
}

const requests = () => [
  call('POST', '/api/users/login/', { email: johnDoe.email, password: johnDoe.password1 }),
  call('POST', '/api/users/registration/', { ...johnDoe, email: `new-${Math.random()}@example.com` }),
  call('GET', '/api/users/me/', undefined, { authorization: `Token ${key}` }),
];

/** Asserts the API answers as it must while the database is away, and reports the slowest answer. */
async function expectFastFailures(limitMs: number): Promise<number> {
  const answers = await Promise.all([...requests(), ...requests()]);
  for (const answer of answers) {
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(answer.ms).toBeLessThan(limitMs);
  }
  expect((await call('GET', '/readyz')).status).toBe(503);
  expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  return Math.max(...answers.map((a) => a.ms));
}

/** tRPC says the same as REST while the database is stopped: 503, SERVICE_UNAVAILABLE. */
async function expectTrpcUnavailable(): Promise<void> {
  const answer = await call('POST', '/trpc/auth.login', { email: johnDoe.email, password: johnDoe.password1 });
  expect(answer.status).toBe(503);
  expect(answer.body).toMatchObject({
    error: { data: { code: 'SERVICE_UNAVAILABLE', details: { detail: 'Service temporarily unavailable, try again later.' } } },
  });
}

/** Waits until a login works again, and returns how long that took. */
async function expectRecovery(): Promise<number> {
  const started = performance.now();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const answer = await call('POST', '/api/users/login/', { email: johnDoe.email, password: johnDoe.password1 });
    if (answer.status === 200) {
      expect((await call('GET', '/readyz')).status).toBe(200);
      for (const other of await Promise.all(requests())) expect(other.status).toBeLessThan(300);
      return performance.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the API did not recover within 10 s of the database coming back');
}

/** Waits until no transaction of the API that began before now is still open, so a late commit would have landed. */
async function transactionsFromBeforeTheFreezeEnded(): Promise<void> {
  const db = app.database.db;
  const { now } = (await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db)).rows[0]!;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where application_name = 'authsvc-api' and xact_start < ${now}`.execute(db);
    if (open.rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('a transaction from before the freeze is still open after 10 s');
}

// The deadline covers a frozen database on REST and tRPC alike, and rolls back what it cut short.
describe('PostgreSQL going away and coming back', () => {
  it('stopped: answers 503 fast, readyz not ready, healthz up; recovers by itself on restart', { timeout: 60_000 }, async () => {
    await postgres!.stop();
    postgres = null;
    const slowest = await expectFastFailures(3_000);
    await expectTrpcUnavailable();
    await startPostgres();
    const recovery = await expectRecovery();
    console.info(`database stopped: slowest 503 in ${slowest.toFixed(0)} ms; recovered ${recovery.toFixed(0)} ms after restart`);
  });

  it(
    'frozen (SIGSTOP, as a network partition looks): answers 503 in bounded time, then recovers on SIGCONT',
    { timeout: 60_000 },
    async () => {
      const pids = postgresProcesses(dataDir);
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      let slowest: number;
      try {
        slowest = await expectFastFailures(3_500);
      } finally {
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      }
      const recovery = await expectRecovery();
      console.info(`database frozen: slowest 503 in ${slowest.toFixed(0)} ms; recovered ${recovery.toFixed(0)} ms after SIGCONT`);
    },
  );

  it(
    'frozen mid-registration past the deadline: the 503 leaves no user behind, on REST and tRPC, and the retry succeeds',
    { timeout: 60_000 },
    async () => {
      const rest = { ...johnDoe, email: `frozen-rest-${Date.now()}@example.com` };
      const rpc = { ...johnDoe, email: `frozen-trpc-${Date.now()}@example.com` };
      const pids = postgresProcesses(dataDir);
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      let answers: Timed[];
      try {
        answers = await Promise.all([call('POST', '/api/users/registration/', rest), call('POST', '/trpc/auth.register', rpc)]);
      } finally {
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      }
      const [restAnswer, rpcAnswer] = answers as [Timed, Timed];
      expect(restAnswer).toMatchObject({ status: 503, body: { detail: 'Service temporarily unavailable, try again later.' } });
      expect(rpcAnswer).toMatchObject({ status: 503, body: { error: { data: { code: 'SERVICE_UNAVAILABLE' } } } });
      for (const answer of answers) expect(answer.ms).toBeLessThan(3_500);
      await expectRecovery();
      await transactionsFromBeforeTheFreezeEnded();
      const created = await app.database.db.selectFrom('users').select('email').where('email', 'in', [rest.email, rpc.email]).execute();
      expect(created).toEqual([]);
      // The client's retry is a first registration, not "already exists".
      expect((await call('POST', '/api/users/registration/', rest)).status).toBe(201);
      expect((await call('POST', '/trpc/auth.register', rpc)).status).toBe(200);
    },
  );
});
