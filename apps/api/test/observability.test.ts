import { openDatabase } from '@authsvc/adapter-postgres';
import { createTestDatabase, TEST_POOL, type TestDatabase } from '@authsvc/testing-postgres';
import type { AppRouter } from '@authsvc/api-router';
import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp, type ApiApp } from '../src/composition-root.js';
import { loadConfig } from '../src/config.js';
import { readOutboxBacklog } from '../src/observability/outbox-backlog.js';
import { testApiEnv } from '../src/testing/index.js';

// A password and a name no log line may contain, however deep it looks.
const PASSWORD = 'Zq9-never-logged-Password';
const user = { first_name: 'Log', last_name: 'Watcher', email: 'log.watcher@example.com', password1: PASSWORD, password2: PASSWORD };

let database: TestDatabase;
let app: ApiApp;
let baseUrl: string;
const lines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // The most verbose level, so anything Fastify or a plugin would ever log is seen.
  const config = loadConfig(testApiEnv(database.url, { LOG_LEVEL: 'trace', LOGIN_RATE: '6/min' }));
  app = await createApiApp(config, { logDestination: { write: (line) => lines.push(line) } });
  baseUrl = await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await database?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('logs', () => {
  it('are JSON lines with the request id, and never hold a password, a token or an Authorization header', async () => {
    expect((await post('/api/users/registration/', user)).status).toBe(201);
    const login = await post('/api/users/login/', { email: user.email, password: PASSWORD }, { 'x-request-id': 'req-login-1' });
    expect(login.headers.get('x-request-id')).toBe('req-login-1');
    const { key } = (await login.json()) as { key: string };
    const authorization = `Token ${key}`;
    expect((await fetch(`${baseUrl}/api/users/me/`, { headers: { authorization } })).status).toBe(200);
    expect((await post('/api/users/login/', { email: user.email, password: `${PASSWORD}x` })).status).toBe(400);
    // A form body, a malformed JSON body and the tRPC transport take other code paths.
    await fetch(`${baseUrl}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: user.email, password: PASSWORD }).toString(),
    });
    await fetch(`${baseUrl}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"password":"${PASSWORD}"`,
    });
    const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${baseUrl}/trpc`, headers: { authorization } })] });
    await trpc.auth.me.query();
    const trpcKey = (await trpc.auth.login.mutate({ email: user.email, password: PASSWORD })).key;
    // Secrets in a query string: a tRPC GET's input, a token a careless client put in the URL.
    const input = encodeURIComponent(JSON.stringify({ email: user.email, password: PASSWORD }));
    await fetch(`${baseUrl}/trpc/auth.login?input=${input}`);
    await fetch(`${baseUrl}/api/users/me/?token=${key}`);
    // Secrets in the path: an emailed link's reset token and verification key, with and without the slash.
    const linkSecrets = ['Zq9-reset-token', 'Zq9-verification-key'];
    for (const path of [`/password-reset/b3/${linkSecrets[0]}/`, `/verify-email/${linkSecrets[1]}`])
      await fetch(`${baseUrl}${path}`, { redirect: 'manual' });
    expect((await post('/api/users/logout/', {}, { authorization })).status).toBe(200);

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(10);
    const text = lines.join('\n');
    for (const secret of [PASSWORD, key, trpcKey, authorization, ...linkSecrets]) expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain('"authorization"');
    expect(records.map((record) => (record.req as { url?: string } | undefined)?.url)).toEqual(
      expect.arrayContaining(['/trpc/auth.login', '/api/users/me/', '/password-reset/[redacted]', '/verify-email/[redacted]']),
    );
    expect(records.filter((record) => record.reqId === 'req-login-1').map((record) => record.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
  });
});

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of one metric in Prometheus' text format. */
async function samples(name: string): Promise<Sample[]> {
  const res = await fetch(`${baseUrl}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{(.*)\\})? (\\S+)$`, 'gm'))].map((match) => ({
    labels: Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!])),
    value: Number(match[2]),
  }));
}

const valueOf = (list: Sample[], labels: Record<string, string>) =>
  list.find((sample) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v))?.value;

describe('/metrics', () => {
  it('counts requests by route pattern and status, and times them', async () => {
    await fetch(`${baseUrl}/no/such/path/123`);
    const counts = await samples('authsvc_http_requests_total');
    expect(valueOf(counts, { method: 'POST', route: '/api/users/registration/', status: '201' })).toBe(1);
    expect(valueOf(counts, { method: 'POST', route: '/api/users/login/', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(counts, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(counts.some((sample) => sample.labels.route?.includes('123'))).toBe(false);
    const latency = await samples('authsvc_http_request_duration_seconds_count');
    expect(valueOf(latency, { method: 'GET', route: '/api/users/me/', status: '200' })).toBe(1);
  });

  it('counts login outcomes over both transports, throttled ones included', async () => {
    const before = await samples('authsvc_login_attempts_total');
    expect(valueOf(before, { outcome: 'success' })).toBe(3);
    expect(valueOf(before, { outcome: 'bad_credentials' })).toBe(1);
    expect(valueOf(before, { outcome: 'disabled' })).toBe(0);
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i += 1)
      status = (await post('/api/users/login/', { email: 'x@example.com', password: 'y' })).status;
    expect(status).toBe(429);
    expect(valueOf(await samples('authsvc_login_attempts_total'), { outcome: 'throttled' })).toBe(1);
    expect(valueOf(await samples('authsvc_throttled_requests_total'), { route: '/api/users/login/' })).toBe(1);
  });

  it('reports the outbox backlog and the age of its oldest event', async () => {
    const [backlog] = await samples('authsvc_outbox_backlog');
    const [age] = await samples('authsvc_outbox_oldest_age_seconds');
    expect(backlog!.value).toBeGreaterThanOrEqual(0);
    expect(age!.value).toBeGreaterThanOrEqual(0);
  });

  it('reads the backlog as the row count and the age of the oldest row', async () => {
    // A database of its own: this app's in-process relay would publish rows put in its outbox.
    const other = await openDatabase(await createTestDatabase(), TEST_POOL);
    try {
      expect(await readOutboxBacklog(other.db)).toEqual({ count: 0, oldestAgeSeconds: 0 });
      for (const secondsAgo of [30, 5]) {
        await sql`insert into outbox (id, type, version, user_id, occurred_at, payload, created_at)
          values (gen_random_uuid(), 'user.logged_in', 1, null, now(), '{}', now() - make_interval(secs => ${secondsAgo}))`.execute(
          other.db,
        );
      }
      const backlog = await readOutboxBacklog(other.db);
      expect(backlog.count).toBe(2);
      expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(30);
      expect(backlog.oldestAgeSeconds).toBeLessThan(60);
    } finally {
      await other.close();
    }
  });

  it('has the relay and consumer gauges for the event pipeline to set', async () => {
    app.metrics.pipeline.relayLagSeconds.set(0.25);
    expect(await samples('authsvc_relay_lag_seconds')).toEqual([{ labels: {}, value: 0.25 }]);
    expect(await samples('process_cpu_seconds_total')).toHaveLength(1);
  });
});

describe('/healthz and /readyz', () => {
  it('are up and ready, with each readiness check named', async () => {
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('is not ready while a migration this build knows is not applied', async () => {
    const db = app.database.db;
    const [last] = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by name desc limit 1`
      .execute(db)
      .then((result) => result.rows);
    await sql`delete from kysely_migration where name = ${last!.name}`.execute(db);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not ready', checks: { database: 'ok', migrations: 'failing' } });
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${last!.name}, ${last!.timestamp})`.execute(db);
    }
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
  });
});
