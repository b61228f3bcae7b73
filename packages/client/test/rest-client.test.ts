import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient } from '../src/index.js';
import { errorOf } from './error-of.js';

// Not a real host: msw answers every request before it leaves the process.
const baseUrl = 'http://authsvc.test';
const url = (path: string) => `${baseUrl}${path}`;
const john = { id: 1, first_name: 'John', last_name: 'Doe', email: 'john.doe@example.com' };
const key = 'a'.repeat(40);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Counts the requests a handler sees, and the Authorization header of each. */
function recorder() {
  const authorizations: (string | null)[] = [];
  return { authorizations, seen: (request: Request) => authorizations.push(request.headers.get('authorization')) };
}

const fast = { baseUrl, retryDelayMs: 1, maxRetryDelayMs: 5 };

describe('typed results and error mapping', () => {
  it("returns the created user, typed, with only the contract's fields", async () => {
    server.use(
      http.post(url('/api/users/registration/'), async ({ request }) =>
        HttpResponse.json({ id: 1, ...((await request.json()) as object) }, { status: 201 }),
      ),
    );
    const result = await createAuthClient(fast).register({ ...john, password1: 'Password123', password2: 'Password123' });
    // This fake echoes the passwords back; the client keeps only what the contract shows.
    expect(result).toEqual({ ok: true, status: 201, data: john });
  });

  it('maps a 400 with messages by field to field errors', async () => {
    const fields = { email: ['A user with this email already exists.'], password2: ['The two password fields did not match.'] };
    server.use(http.post(url('/api/users/registration/'), () => HttpResponse.json(fields, { status: 400 })));
    const result = await createAuthClient(fast).register({ ...john, password1: 'Password123', password2: 'Password12' });
    expect(result).toEqual({ ok: false, error: { kind: 'fields', status: 400, fields } });
  });

  it('maps bad credentials to non_field_errors, and a detail body to a detail error', async () => {
    server.use(
      http.post(url('/api/users/login/'), () =>
        HttpResponse.json({ non_field_errors: ['Unable to log in with provided credentials.'] }, { status: 400 }),
      ),
      http.get(url('/api/users/me/'), () =>
        HttpResponse.json({ detail: 'Invalid token.' }, { status: 401, headers: { 'WWW-Authenticate': 'Token' } }),
      ),
    );
    const client = createAuthClient(fast);
    const login = await client.login({ email: john.email, password: 'wrong' });
    expect(errorOf(login)).toEqual({
      kind: 'fields',
      status: 400,
      fields: { non_field_errors: ['Unable to log in with provided credentials.'] },
    });
    expect(client.token).toBeUndefined();
    expect(await client.me()).toEqual({ ok: false, error: { kind: 'detail', status: 401, detail: 'Invalid token.' } });
  });

  it("reads a throttle's Retry-After", async () => {
    server.use(
      http.post(url('/api/users/login/'), () =>
        HttpResponse.json(
          { detail: 'Request was throttled. Expected available in 7 seconds.' },
          { status: 429, headers: { 'Retry-After': '7' } },
        ),
      ),
    );
    const result = await createAuthClient(fast).login({ email: john.email, password: 'x' });
    expect(errorOf(result)).toMatchObject({ kind: 'detail', status: 429, retryAfterSeconds: 7 });
  });

  it('reports a body outside the contract as unexpected rather than trusting its type', async () => {
    server.use(http.get(url('/api/users/me/'), () => HttpResponse.json({ id: 'one' })));
    expect(await createAuthClient({ ...fast, token: key }).me()).toEqual({
      ok: false,
      error: { kind: 'unexpected', status: 200, body: { id: 'one' } },
    });
  });
});

describe('token handling', () => {
  it('sends the token from login as `Token <key>` until logout drops it', async () => {
    const me = recorder();
    const logout = recorder();
    server.use(
      http.post(url('/api/users/login/'), () => HttpResponse.json({ key })),
      http.get(url('/api/users/me/'), ({ request }) => {
        me.seen(request);
        return request.headers.get('authorization') === `Token ${key}`
          ? HttpResponse.json(john)
          : HttpResponse.json({ detail: 'Authentication credentials were not provided.' }, { status: 401 });
      }),
      http.post(url('/api/users/logout/'), ({ request }) => {
        logout.seen(request);
        return HttpResponse.json({ detail: 'Successfully logged out.' });
      }),
    );
    const client = createAuthClient(fast);
    expect((await client.me()).ok).toBe(false);
    expect((await client.login({ email: john.email, password: 'Password123' })).ok).toBe(true);
    expect(client.token).toBe(key);
    expect(await client.me()).toEqual({ ok: true, status: 200, data: john });
    expect(await client.logout()).toEqual({ ok: true, status: 200, data: { detail: 'Successfully logged out.' } });
    expect(client.token).toBeUndefined();
    expect(me.authorizations).toEqual([null, `Token ${key}`]);
    expect(logout.authorizations).toEqual([`Token ${key}`]);
  });

  it('calls logout-all with allTokens, and keeps the token when logout fails', async () => {
    server.use(http.post(url('/api/users/logout-all/'), () => HttpResponse.json({ detail: 'Invalid token.' }, { status: 401 })));
    const client = createAuthClient({ ...fast, token: key });
    expect((await client.logout({ allTokens: true })).ok).toBe(false);
    expect(client.token).toBe(key);
  });
});

describe('timeouts and retries', () => {
  it('gives up on an attempt after timeoutMs', async () => {
    server.use(
      http.post(url('/api/users/login/'), async () => {
        await delay(1_000);
        return HttpResponse.json({ key });
      }),
    );
    const started = Date.now();
    const result = await createAuthClient({ ...fast, timeoutMs: 50 }).login({ email: john.email, password: 'x' });
    expect(errorOf(result)).toEqual({ kind: 'timeout', message: 'no answer within 50 ms' });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('retries me after a 503 and a network failure, with backoff, then succeeds', async () => {
    const answers = [
      () =>
        HttpResponse.json(
          { detail: 'Service temporarily unavailable, try again later.' },
          { status: 503, headers: { 'Retry-After': '1' } },
        ),
      () => HttpResponse.error(),
      () => HttpResponse.json(john),
    ];
    let calls = 0;
    server.use(http.get(url('/api/users/me/'), () => answers[calls++]!()));
    const result = await createAuthClient({ ...fast, token: key }).me();
    expect(result).toEqual({ ok: true, status: 200, data: john });
    expect(calls).toBe(3);
  });

  it('retries a timed-out me, and stops after `retries` further attempts', async () => {
    let calls = 0;
    server.use(
      http.get(url('/api/users/me/'), async () => {
        calls += 1;
        await delay(1_000);
        return HttpResponse.json(john);
      }),
    );
    const result = await createAuthClient({ ...fast, token: key, timeoutMs: 30, retries: 2 }).me();
    expect(errorOf(result).kind).toBe('timeout');
    expect(calls).toBe(3);
  });

  it('never retries a call that changes state: login, register, logout', async () => {
    let calls = 0;
    server.use(
      http.post(url('/api/users/login/'), () => {
        calls += 1;
        return HttpResponse.error();
      }),
      http.post(url('/api/users/registration/'), () => {
        calls += 1;
        return HttpResponse.json({ detail: 'Service temporarily unavailable, try again later.' }, { status: 503 });
      }),
    );
    const client = createAuthClient(fast);
    expect((await client.login({ email: john.email, password: 'x' })).ok).toBe(false);
    const registered = await client.register({ ...john, password1: 'Password123', password2: 'Password123' });
    expect(errorOf(registered)).toMatchObject({ kind: 'detail', status: 503 });
    expect(calls).toBe(2);
  });

  it("stops at the caller's abort, retries included", async () => {
    server.use(http.get(url('/api/users/me/'), () => HttpResponse.error()));
    const controller = new AbortController();
    const pending = createAuthClient({ ...fast, token: key, retryDelayMs: 10_000, maxRetryDelayMs: 10_000 }).me({
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('user went away')), 20);
    await expect(pending).rejects.toThrow('user went away');
  });
});
