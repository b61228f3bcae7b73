import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuthctl } from '../src/authctl.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

/** `authctl audit` against the test API's database, what it writes (stdout and stderr) collected in order. */
async function audit(api: TestApi, ...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const collect = (line: string) => lines.push(line);
  const code = await runAuthctl(
    ['audit', ...args],
    { out: collect, err: collect },
    { DATABASE_URL: api.app.database.url, LOG_LEVEL: 'silent' },
  );
  expect(code).toBe(0);
  return lines;
}

const typeOf = (line: string) => line.split(/\s+/)[1];

describe('embedded mode (no KAFKA_BROKERS): events reach the audit log in-process', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ OUTBOX_POLL_INTERVAL_MS: '20' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('records registration, logins (good and failed), logout and token expiry, printed by authctl audit', async () => {
    expect(api.app.events).not.toBeNull();
    expect((await api.request('POST', '/api/users/registration/', { body: johnDoe })).status).toBe(201);
    const login = await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Password123' } });
    expect(login.status).toBe(200);
    const key = (login.body as { key: string }).key;
    expect(
      (await api.request('POST', '/api/users/login/', { body: { email: 'JOHN.DOE@example.com', password: 'wrong-password' } })).status,
    ).toBe(400);
    expect((await api.request('POST', '/api/users/logout/', { headers: { authorization: `Token ${key}` } })).status).toBe(200);
    const second = await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Password123' } });
    const stale = (second.body as { key: string }).key;
    api.clock.advance(86_401);
    expect((await api.request('GET', '/api/users/me/', { headers: { authorization: `Token ${stale}` } })).status).toBe(401);

    await api.app.events!.flush();
    // The expiry set off a sweep whose own event is now in the outbox.
    await api.app.events!.flush();

    const lines = await audit(api, johnDoe.email);
    expect(lines.map(typeOf)).toEqual([
      'user.registered',
      'user.logged_in',
      'user.login_failed',
      'user.logged_out',
      'user.logged_in',
      'token.expired',
    ]);
    expect(lines[2]).toContain('"email":"JOHN.DOE@example.com"');
    expect(lines[2]).toContain('"reason":"bad_credentials"');
    expect(lines.join('\n')).not.toMatch(new RegExp(`${key}|${stale}|Password123|wrong-password`));
    expect((await audit(api, johnDoe.email, '--limit', '2')).map(typeOf)).toEqual(['user.logged_in', 'token.expired']);
    const outbox = await api.app.database.db.selectFrom('outbox').select('id').execute();
    expect(outbox).toEqual([]);
    const metrics = await (await fetch(`${api.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/authsvc_relay_published_total\{type="user.logged_in"\} 2/);
  });

  it('lists failed logins for an address with no account, and says when there is nothing', async () => {
    await api.request('POST', '/api/users/login/', { body: { email: 'ghost@example.com', password: 'Password123' } });
    await api.app.events!.flush();
    expect((await audit(api, 'Ghost@Example.com')).map(typeOf)).toEqual(['user.login_failed']);
    expect(await audit(api, 'nobody@example.com')).toEqual(['no recorded events for nobody@example.com']);
  });

  it('rejects a malformed audit command with the usage', async () => {
    const errors: string[] = [];
    expect(
      await runAuthctl(['audit', 'a@example.com', '--limit', '0'], { out: () => expect.unreachable(), err: (line) => errors.push(line) }),
    ).toBe(2);
    expect(errors[0]).toMatch(/^usage: authctl/);
  });
});

/** Resolves once `predicate` holds; the test's own timeout bounds it. */
async function until(predicate: () => Promise<boolean>): Promise<void> {
  while (!(await predicate())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('embedded mode: the relay is woken by LISTEN/NOTIFY, the poll a fallback', () => {
  let api: TestApi;
  // A minute: an event that arrives within the tests' timeouts came through the notification.
  beforeAll(async () => {
    api = await startTestApi({ OUTBOX_POLL_INTERVAL_MS: '60000' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  /** The backend pid of the API's outbox listener once it is listening on this database. */
  const listenerPid = async (): Promise<number | undefined> => {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where datname = current_database() and application_name = 'authsvc-api-outbox-listener' and query ilike 'LISTEN %'
    `.execute(api.app.database.db);
    return rows[0]?.pid;
  };

  let userId = 0;
  const auditedTypes = async (): Promise<string[]> =>
    (await api.app.database.db.selectFrom('audit_log').select('type').where('user_id', '=', userId).orderBy('seq').execute()).map(
      (r) => r.type,
    );

  const login = async () =>
    expect((await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Password123' } })).status).toBe(200);

  it('records a login in the audit log without waiting for the poll', { timeout: 10_000 }, async () => {
    await until(async () => (await listenerPid()) !== undefined);
    const registered = await api.request('POST', '/api/users/registration/', { body: johnDoe });
    expect(registered.status).toBe(201);
    userId = (registered.body as { id: number }).id;
    await login();
    await until(async () => (await auditedTypes()).length === 2);
    expect(await auditedTypes()).toEqual(['user.registered', 'user.logged_in']);
  });

  it('listens again after its connection is terminated, and the next login is recorded as promptly', { timeout: 10_000 }, async () => {
    const before = await listenerPid();
    expect(before).toBeDefined();
    await sql`select pg_terminate_backend(${before})`.execute(api.app.database.db);
    await until(async () => ![undefined, before].includes(await listenerPid()));
    await login();
    await until(async () => (await auditedTypes()).length === 3);
  });
});
