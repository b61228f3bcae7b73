import type { AppRouter } from '@authsvc/api-router';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, startTestApi, type TestApi } from './support.js';
import { eventsByUser } from './consistency.js';

let counter = 0;
const someone = () => ({ ...johnDoe, email: `sec${++counter}@example.com` });
const login = (api: TestApi, email: string, password: string, headers: Record<string, string> = {}) =>
  api.request('POST', '/api/users/login/', { body: { email, password }, headers });

const throttledBody = (seconds: number) => ({ detail: `Request was throttled. Expected available in ${seconds} seconds.` });

describe('per-client throttles (LOGIN_RATE, REGISTRATION_RATE)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LOGIN_RATE: '3/min', REGISTRATION_RATE: '2/hour', LOGIN_FAILURES_BEFORE_LOCKOUT: '0' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('answers logins past the rate with DRF 429, Retry-After, and lets them through when the window ends', async () => {
    for (let i = 0; i < 3; i += 1) expect((await login(api, 'nobody@example.com', 'Password123')).status).toBe(400);
    api.clock.advance(15);
    const refused = await login(api, 'nobody@example.com', 'Password123');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(throttledBody(45));
    expect(refused.headers.get('retry-after')).toBe('45');
    // Throttled before the body is validated, as DRF does: even an invalid one.
    expect((await api.request('POST', '/api/users/login/', { body: { email: 3 } })).status).toBe(429);
    api.clock.advance(45);
    expect((await login(api, 'nobody@example.com', 'Password123')).status).toBe(400);
  });

  it('limits registrations per client address', async () => {
    expect((await api.request('POST', '/api/users/registration/', { body: someone() })).status).toBe(201);
    expect((await api.request('POST', '/api/users/registration/', { body: {} })).status).toBe(400);
    const refused = await api.request('POST', '/api/users/registration/', { body: someone() });
    expect(refused).toMatchObject({ status: 429, body: throttledBody(3600) });
  });

  it('ignores X-Forwarded-For when TRUST_PROXY is off: a client cannot dodge the limit by forging it', async () => {
    api.clock.advance(3600);
    const answers = [];
    for (let i = 0; i < 4; i += 1)
      answers.push((await login(api, 'nobody@example.com', 'x', { 'x-forwarded-for': `198.51.100.${i}` })).status);
    expect(answers).toEqual([400, 400, 400, 429]);
  });

  it('answers tRPC with TOO_MANY_REQUESTS and the same details', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${api.baseUrl}/trpc` })] });
    const error = await client.auth.login.mutate({ email: 'nobody@example.com', password: 'x' }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    const { data, message } = error as TRPCClientError<AppRouter>;
    expect(data?.code).toBe('TOO_MANY_REQUESTS');
    expect(data?.httpStatus).toBe(429);
    expect(message).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
    expect(data?.details).toEqual({ detail: message });
  });
});

describe('TRUST_PROXY=true', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LOGIN_RATE: '2/min', TRUST_PROXY: 'true', LOGIN_FAILURES_BEFORE_LOCKOUT: '0' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('counts each X-Forwarded-For client on its own', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await login(api, 'a@example.com', 'x', from('198.51.100.1'))).status).toBe(400);
    expect((await login(api, 'a@example.com', 'x', from('198.51.100.1'))).status).toBe(400);
    expect((await login(api, 'a@example.com', 'x', from('198.51.100.1'))).status).toBe(429);
    expect((await login(api, 'a@example.com', 'x', from('198.51.100.2'))).status).toBe(400);
  });
});

describe('per-account failed-login backoff', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      LOGIN_FAILURES_BEFORE_LOCKOUT: '3',
      LOGIN_LOCKOUT_BASE_SECONDS: '2',
      LOGIN_LOCKOUT_MAX_SECONDS: '30',
    });
  });
  afterAll(async () => {
    await api?.stop();
  });

  // Wherever the event is by now: the embedded relay moves outbox rows into the audit log.
  const loginFailures = async () => (await eventsByUser(api.app.database.db)).filter((event) => event.type === 'user.login_failed').length;

  it('locks the account after failures with growing, capped lockouts, spends no hash while locked, and resets on success', async () => {
    const user = someone();
    expect((await api.request('POST', '/api/users/registration/', { body: user })).status).toBe(201);
    for (let i = 0; i < 3; i += 1) expect((await login(api, user.email, 'Wrong1234')).status).toBe(400);

    const failuresBefore = await loginFailures();
    const locked = await login(api, user.email.toUpperCase(), user.password1);
    expect(locked).toMatchObject({ status: 429, body: throttledBody(2) });
    expect(locked.headers.get('retry-after')).toBe('2');
    // Refused before the password was checked: no verification, so no login_failed event either.
    expect(await loginFailures()).toBe(failuresBefore);

    api.clock.advance(2);
    expect((await login(api, user.email, 'Wrong1234')).status).toBe(400);
    expect((await login(api, user.email, user.password1)).body).toEqual({
      detail: 'Request was throttled. Expected available in 4 seconds.',
    });
    for (let i = 0; i < 10; i += 1) {
      api.clock.advance(30);
      await login(api, user.email, 'Wrong1234');
    }
    expect(await login(api, user.email, user.password1)).toMatchObject({ status: 429, body: throttledBody(30) });

    api.clock.advance(30);
    expect((await login(api, user.email, user.password1)).status).toBe(200);
    // The success forgot the failures: one more wrong password is not a lockout.
    expect((await login(api, user.email, 'Wrong1234')).status).toBe(400);
    expect((await login(api, user.email, user.password1)).status).toBe(200);
  });

  it('treats an unknown email exactly like a known one, so the lockout tells nothing', async () => {
    for (let i = 0; i < 3; i += 1) expect((await login(api, 'ghost@example.com', 'Wrong1234')).status).toBe(400);
    expect(await login(api, 'ghost@example.com', 'Wrong1234')).toMatchObject({ status: 429, body: throttledBody(2) });
  });
});

describe('TOKEN_LIMIT_PER_USER', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ TOKEN_LIMIT_PER_USER: '2' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('revokes the oldest token when a login goes past the cap', async () => {
    const user = someone();
    await api.request('POST', '/api/users/registration/', { body: user });
    const keys: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      keys.push(((await login(api, user.email, user.password1)).body as { key: string }).key);
      api.clock.advance(1);
    }
    const me = async (key: string) => (await api.request('GET', '/api/users/me/', { headers: { authorization: `Token ${key}` } })).status;
    expect([await me(keys[0]!), await me(keys[1]!), await me(keys[2]!)]).toEqual([401, 200, 200]);
  });
});

describe('headers, CORS and field limits', () => {
  let plain: TestApi;
  let withCors: TestApi;
  beforeAll(async () => {
    [plain, withCors] = await Promise.all([
      startTestApi(),
      startTestApi({ CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), withCors?.stop()]);
  });

  it('sends JSON-API security headers on every answer, errors included', async () => {
    for (const res of [await plain.request('GET', '/api/users/me/'), await plain.request('GET', '/nowhere')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('sends no CORS headers unless CORS_ORIGINS is set', async () => {
    const res = await plain.request('GET', '/api/users/me/', { headers: { origin: 'https://app.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await plain.request('OPTIONS', '/api/users/login/', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows only the listed origins, answers their preflight, and keeps DRF OPTIONS metadata', async () => {
    const allowed = await withCors.request('GET', '/api/users/me/', { headers: { origin: 'https://admin.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    const other = await withCors.request('GET', '/api/users/me/', { headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await withCors.request('OPTIONS', '/api/users/login/', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    // DELETE since a browser app may revoke a token (`DELETE /api/users/tokens/{id}/`).
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');

    const metadata = await withCors.request('OPTIONS', '/api/users/login/');
    expect(metadata).toMatchObject({ status: 200, body: { name: 'Login' } });
  });

  it.each([
    ['first_name', { first_name: 'x'.repeat(151) }, 150],
    ['last_name', { last_name: 'x'.repeat(151) }, 150],
    ['email', { email: `${'x'.repeat(243)}@example.com` }, 254],
    ['password1', { password1: `A1${'x'.repeat(1023)}`, password2: `A1${'x'.repeat(1023)}` }, 1024],
  ])('refuses an over-long %s at registration with 400 before any hashing', async (field, overrides, max) => {
    const res = await plain.request('POST', '/api/users/registration/', { body: { ...someone(), ...overrides } });
    expect(res.status).toBe(400);
    expect((res.body as Record<string, string[]>)[field]).toEqual([`Ensure this field has no more than ${max} characters.`]);
  });

  it('refuses an over-long login password or email with 400', async () => {
    const long = await login(plain, 'a@example.com', 'x'.repeat(1025));
    expect(long).toMatchObject({ status: 400, body: { password: ['Ensure this field has no more than 1024 characters.'] } });
    const longEmail = await login(plain, `${'x'.repeat(250)}@example.com`, 'Password123');
    expect(longEmail).toMatchObject({ status: 400, body: { email: ['Ensure this field has no more than 254 characters.'] } });
  });
});
