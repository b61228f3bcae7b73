import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, startTestApi, type TestApi } from './support.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ TOKEN_EXPIRED_AFTER_SECONDS: '3600' });
});
afterAll(async () => {
  await api?.stop();
});

let emailCounter = 0;
/** A registration with a unique email, so tests don't depend on each other. */
const someone = (overrides: Record<string, unknown> = {}) => ({ ...johnDoe, email: `user${++emailCounter}@example.com`, ...overrides });

async function registerAndLogin(overrides: Record<string, unknown> = {}) {
  const body = someone(overrides);
  const registered = await api.request('POST', '/api/users/registration/', { body });
  const login = await api.request('POST', '/api/users/login/', { body: { email: body.email, password: body.password1 } });
  return { body, user: registered.body as { id: number }, key: (login.body as { key: string }).key };
}

const auth = (key: string) => ({ authorization: `Token ${key}` });

describe('POST /api/users/registration/', () => {
  it('creates the user: 201 with exactly id, first_name, last_name, email', async () => {
    const body = someone();
    const res = await api.request('POST', '/api/users/registration/', { body });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ id: expect.any(Number), first_name: 'John', last_name: 'Doe', email: body.email });
    expect(Number.isInteger((res.body as { id: number }).id)).toBe(true);
  });

  it('reports a taken email, a weak password and a mismatch at once, as the spec shows', async () => {
    const taken = someone();
    expect((await api.request('POST', '/api/users/registration/', { body: taken })).status).toBe(201);
    const res = await api.request('POST', '/api/users/registration/', {
      body: { ...johnDoe, email: taken.email.toUpperCase(), password1: 'Passwordxx', password2: 'Password12' },
    });
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      JSON.stringify({
        email: ['A user with this email already exists.'],
        password1: ['Password must contain at least one numeral.'],
        password2: ['The two password fields did not match.'],
      }),
    );
  });

  it('reports a taken email alone when everything else is valid', async () => {
    const taken = someone();
    expect((await api.request('POST', '/api/users/registration/', { body: taken })).status).toBe(201);
    const res = await api.request('POST', '/api/users/registration/', { body: { ...taken, email: taken.email.replace(/^u/, 'U') } });
    expect(res).toMatchObject({ status: 400, body: { email: ['A user with this email already exists.'] } });
  });

  it('uses DRF messages for missing and blank fields', async () => {
    const res = await api.request('POST', '/api/users/registration/', { body: { first_name: '', email: 'nope' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      first_name: ['This field may not be blank.'],
      last_name: ['This field is required.'],
      email: ['Enter a valid email address.'],
      password1: ['This field is required.'],
      password2: ['This field is required.'],
    });
  });

  it('accepts a form-encoded body', async () => {
    const body = someone();
    const res = await api.request('POST', '/api/users/registration/', {
      raw: new URLSearchParams(body).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res).toMatchObject({ status: 201, body: { email: body.email } });
  });

  it('lets exactly one of many concurrent registrations of one email through', async () => {
    const { email } = someone();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.request('POST', '/api/users/registration/', { body: { ...johnDoe, email: i % 2 ? email.toUpperCase() : email } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(11);
    for (const r of refused) expect(r).toMatchObject({ status: 400, body: { email: ['A user with this email already exists.'] } });
  });
});

describe('POST /api/users/login/', () => {
  it('returns a 40-hex key, a new one per login, with any email case', async () => {
    const { body } = await registerAndLogin();
    const first = await api.request('POST', '/api/users/login/', { body: { email: body.email.toUpperCase(), password: body.password1 } });
    const second = await api.request('POST', '/api/users/login/', { body: { email: body.email, password: body.password1 } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ key: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect((second.body as { key: string }).key).not.toBe((first.body as { key: string }).key);
  });

  it.each([
    ['a wrong password', (email: string) => ({ email, password: 'Wrong1234' })],
    ['an unknown email', () => ({ email: 'nobody@example.com', password: 'Password123' })],
  ])('refuses %s with the generic message', async (_, credentials) => {
    const { body } = await registerAndLogin();
    const res = await api.request('POST', '/api/users/login/', { body: credentials(body.email) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });
  });

  it('requires both fields', async () => {
    const res = await api.request('POST', '/api/users/login/', { body: {} });
    expect(res).toMatchObject({ status: 400, body: { email: ['This field is required.'], password: ['This field is required.'] } });
  });
});

describe('GET /api/users/me/ and token authentication', () => {
  it('returns the caller', async () => {
    const { body, user, key } = await registerAndLogin();
    const res = await api.request('GET', '/api/users/me/', { headers: auth(key) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: user.id, first_name: 'John', last_name: 'Doe', email: body.email });
  });

  it('answers 401 with WWW-Authenticate: Token without credentials, and for an unknown token', async () => {
    const none = await api.request('GET', '/api/users/me/');
    expect(none).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
    expect(none.headers.get('www-authenticate')).toBe('Token');
    const unknown = await api.request('GET', '/api/users/me/', { headers: auth('0'.repeat(40)) });
    expect(unknown).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
    expect(unknown.headers.get('www-authenticate')).toBe('Token');
  });

  it.each([
    ['Token', 'Invalid token header. No credentials provided.'],
    ['Token a b', 'Invalid token header. Token string should not contain spaces.'],
    ['token   ', 'Invalid token header. No credentials provided.'],
  ])('answers a malformed header %j with DRF message', async (header, detail) => {
    const res = await api.request('GET', '/api/users/me/', { headers: { authorization: header } });
    expect(res).toMatchObject({ status: 401, body: { detail } });
  });

  it('ignores another scheme as DRF does (no credentials)', async () => {
    const res = await api.request('GET', '/api/users/me/', { headers: { authorization: 'Bearer abc' } });
    expect(res).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
  });
});

describe('POST /api/users/logout/', () => {
  it('revokes only the presented token', async () => {
    const { body, key } = await registerAndLogin();
    const other = await api.request('POST', '/api/users/login/', { body: { email: body.email, password: body.password1 } });
    const res = await api.request('POST', '/api/users/logout/', { headers: auth(key) });
    expect(res).toMatchObject({ status: 200, body: { detail: 'Successfully logged out.' } });
    expect((await api.request('GET', '/api/users/me/', { headers: auth(key) })).body).toEqual({ detail: 'Invalid token.' });
    expect((await api.request('GET', '/api/users/me/', { headers: auth((other.body as { key: string }).key) })).status).toBe(200);
  });

  it('asks for a token when none is passed', async () => {
    const res = await api.request('POST', '/api/users/logout/');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'You should be logged in to logout. Check whether the token is passed.' });
  });

  it('answers an unknown token with 401 Invalid token.', async () => {
    const res = await api.request('POST', '/api/users/logout/', { headers: auth('f'.repeat(40)) });
    expect(res).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
  });

  it('logout-all revokes every token of the caller', async () => {
    const { body, key } = await registerAndLogin();
    const other = await api.request('POST', '/api/users/login/', { body: { email: body.email, password: body.password1 } });
    expect((await api.request('POST', '/api/users/logout-all/', { headers: auth(key) })).status).toBe(200);
    expect((await api.request('GET', '/api/users/me/', { headers: auth((other.body as { key: string }).key) })).status).toBe(401);
  });
});

describe('token expiry', () => {
  it('answers Token has expired. once, deletes the token, then Invalid token.; a new login works', async () => {
    const { body, key } = await registerAndLogin();
    api.clock.advance(3600);
    const expired = await api.request('GET', '/api/users/me/', { headers: auth(key) });
    expect(expired).toMatchObject({ status: 401, body: { detail: 'Token has expired.' } });
    const again = await api.request('GET', '/api/users/me/', { headers: auth(key) });
    expect(again).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
    const login = await api.request('POST', '/api/users/login/', { body: { email: body.email, password: body.password1 } });
    const fresh = (login.body as { key: string }).key;
    expect(fresh).not.toBe(key);
    expect((await api.request('GET', '/api/users/me/', { headers: auth(fresh) })).status).toBe(200);
  });
});

describe('disabled accounts', () => {
  it('refuse login with the right password, give the generic message otherwise, and reject their tokens', async () => {
    const { body, key } = await registerAndLogin();
    await api.app.service.setUserActive(body.email, false);
    const right = await api.request('POST', '/api/users/login/', { body: { email: body.email, password: body.password1 } });
    expect(right).toMatchObject({ status: 400, body: { non_field_errors: ['User account is disabled.'] } });
    const wrong = await api.request('POST', '/api/users/login/', { body: { email: body.email, password: 'Wrong1234' } });
    expect(wrong).toMatchObject({ status: 400, body: { non_field_errors: ['Unable to log in with provided credentials.'] } });
    const me = await api.request('GET', '/api/users/me/', { headers: auth(key) });
    expect(me).toMatchObject({ status: 401, body: { detail: 'User inactive or deleted.' } });
  });
});

describe('DRF parsers and errors', () => {
  it('answers malformed JSON with 400 JSON parse error', async () => {
    const res = await api.request('POST', '/api/users/login/', { raw: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toMatch(/^JSON parse error - /);
  });

  it('answers an unsupported media type with 415', async () => {
    const res = await api.request('POST', '/api/users/login/', { raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(res).toMatchObject({ status: 415, body: { detail: 'Unsupported media type "text/plain" in request.' } });
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const res = await api.request('GET', '/api/users/login/');
    expect(res).toMatchObject({ status: 405, body: { detail: 'Method "GET" not allowed.' } });
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    const del = await api.request('DELETE', '/api/users/me/');
    expect(del).toMatchObject({ status: 405, body: { detail: 'Method "DELETE" not allowed.' } });
  });

  it('answers an oversized body with 413', async () => {
    const res = await api.request('POST', '/api/users/login/', { body: { email: 'a@b.co', password: 'x'.repeat(100_000) } });
    expect(res).toMatchObject({ status: 413, body: { detail: 'Request body is too large.' } });
  });

  it('answers a body that is not an object in DRF words', async () => {
    const res = await api.request('POST', '/api/users/login/', { body: ['a'] });
    expect(res).toMatchObject({ status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] } });
  });

  it('answers an empty JSON body as an empty form', async () => {
    const res = await api.request('POST', '/api/users/login/', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(res).toMatchObject({ status: 400, body: { email: ['This field is required.'] } });
  });

  it('redirects a known path without its trailing slash, as Django APPEND_SLASH does, and 404s unknown paths', async () => {
    const res = await api.request('GET', '/api/users/me');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/api/users/me/');
    expect(await api.request('GET', '/api/nothing/')).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
  });

  it('redirects a POST without the trailing slash with 308 and a JSON detail, so a client that follows keeps its method and body', async () => {
    const res = await api.request('POST', '/api/users/login?next=x', { body: { email: 'a@example.com', password: 'x' } });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/api/users/login/?next=x');
    expect(res.body).toEqual({ detail: 'This resource lives at /api/users/login/?next=x; repeat the request there.' });

    const user = someone();
    const followed = await fetch(`${api.baseUrl}/api/users/registration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    expect(followed.status).toBe(201);
    const login = await fetch(`${api.baseUrl}/api/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password1 }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({ key: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });

  it('serves health checks', async () => {
    expect(await api.request('GET', '/healthz')).toMatchObject({ status: 200 });
    expect(await api.request('GET', '/readyz')).toMatchObject({ status: 200 });
  });
});
