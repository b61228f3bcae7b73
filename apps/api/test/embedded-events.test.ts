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
