import { loopbackOnly, servePwnedPasswordsRange } from '@authsvc/adapter-password-screening/testing';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

// The API runs in this process, so msw answers its calls to the Pwned Passwords API; the tests'
// own requests to the API on loopback pass through, and anything else fails.
const pwned = setupServer();
beforeAll(() => pwned.listen({ onUnhandledRequest: loopbackOnly }));
afterEach(() => pwned.resetHandlers());
afterAll(() => pwned.close());

describe('PASSWORD_CHECKS', () => {
  it('defaults to the similarity check, and reads a list with spaces, or off', () => {
    expect([...loadConfig({}).PASSWORD_CHECKS]).toEqual(['similarity']);
    expect([...loadConfig({ PASSWORD_CHECKS: 'similarity, common,breached' }).PASSWORD_CHECKS]).toEqual([
      'similarity',
      'common',
      'breached',
    ]);
    expect([...loadConfig({ PASSWORD_CHECKS: 'off' }).PASSWORD_CHECKS]).toEqual([]);
  });

  it('refuses an unknown check, naming the ones there are', () => {
    expect(() => loadConfig({ PASSWORD_CHECKS: 'similarity,zxcvbn' })).toThrow(
      'PASSWORD_CHECKS: expected a comma-separated list of similarity, common, breached, or off',
    );
    expect(() => loadConfig({ PASSWORD_BREACH_CHECK_ON_ERROR: 'maybe' })).toThrow(/PASSWORD_BREACH_CHECK_ON_ERROR/);
  });
});

let emailCounter = 0;
/** A registration with a unique email, so tests don't depend on each other. */
const someone = (overrides: Record<string, string> = {}) => {
  const body = { ...johnDoe, email: `screened${++emailCounter}@example.com`, ...overrides };
  return overrides.password1 && !overrides.password2 ? { ...body, password2: overrides.password1 } : body;
};

const register = (api: TestApi, body: Record<string, string>) => api.request('POST', '/api/users/registration/', { body });

describe('password screening with the default PASSWORD_CHECKS (similarity)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it("still registers the contract's own example", async () => {
    const res = await register(api, johnDoe);
    expect(res).toMatchObject({ status: 201, body: { email: johnDoe.email } });
  });

  it('refuses the email itself as the password', async () => {
    const email = 'jane.roe42@example.com';
    const res = await register(api, someone({ email, password1: email }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify({ password1: ['The password is too similar to the email address.'] }));
  });

  it('refuses a part of the email with a year appended', async () => {
    const res = await register(api, someone({ email: 'kowalski.m@example.com', password1: 'Kowalski1984' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ password1: ['The password is too similar to the email address.'] });
  });

  it('refuses Johnny1970 for a user named Johnny', async () => {
    const res = await register(api, someone({ first_name: 'Johnny', password1: 'Johnny1970' }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify({ password1: ['The password is too similar to the first name.'] }));
  });

  it('refuses a password too similar to the last name', async () => {
    const res = await register(api, someone({ last_name: 'Oyelaran', password1: 'oyelaran22' }));
    expect(res).toMatchObject({ status: 400, body: { password1: ['The password is too similar to the last name.'] } });
  });

  it("lists the similarity message before the contract's own rules, in one list, as Django's validators do", async () => {
    // The email has no numeral, so the contract's rule fails too.
    const res = await register(api, someone({ email: 'ana.silva@example.com', password1: 'ana.silva@example.com' }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      JSON.stringify({
        password1: ['The password is too similar to the email address.', 'Password must contain at least one numeral.'],
      }),
    );
  });

  it('screens the password beside the other faulty fields, against the fields that are valid', async () => {
    const res = await register(api, someone({ first_name: 'Marguerite', last_name: '', email: 'marguerite', password1: 'marguerite' }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      JSON.stringify({
        last_name: ['This field may not be blank.'],
        email: ['Enter a valid email address.'],
        password1: ['The password is too similar to the first name.', 'Password must contain at least one numeral.'],
      }),
    );
  });

  it('screens the password when only it fails the contract, against the other fields', async () => {
    const res = await register(api, someone({ email: 'hollyhock@example.com', password1: 'Hollyhock' }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      JSON.stringify({ password1: ['The password is too similar to the email address.', 'Password must contain at least one numeral.'] }),
    );
  });

  it('does not compare against an invalid email', async () => {
    const res = await register(api, someone({ email: 'not an email marguerite', password1: 'marguerite5' }));
    expect(res.text).toBe(JSON.stringify({ email: ['Enter a valid email address.'] }));
  });

  it('refuses the same way over tRPC, with the REST body in the details', async () => {
    const res = await api.request('POST', '/trpc/auth.register', { body: someone({ first_name: 'Johnny', password1: 'Johnny1970' }) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { data: { code: 'BAD_REQUEST', details: { password1: ['The password is too similar to the first name.'] } } },
    });
  });

  it('leaves common passwords to PASSWORD_CHECKS=common', async () => {
    const res = await register(api, someone({ password1: 'qwerty123' }));
    expect(res.status).toBe(201);
  });
});

describe('password screening with PASSWORD_CHECKS=common', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ PASSWORD_CHECKS: 'common' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it.each(['password1', 'qwerty123', 'iloveyou1', 'Password123'])('refuses %s as too common', async (password) => {
    const res = await register(api, someone({ password1: password }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify({ password1: ['This password is too common.'] }));
  });

  it("lists the contract's rules before the common-password message", async () => {
    const res = await register(api, someone({ password1: 'sunshine' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ password1: ['Password must contain at least one numeral.', 'This password is too common.'] });
  });

  it('turns the similarity check off when the list leaves it out', async () => {
    const res = await register(api, someone({ first_name: 'Johnny', password1: 'Johnny1970' }));
    expect(res.status).toBe(201);
  });

  it('registers a password in no dictionary', async () => {
    const res = await register(api, someone({ password1: 'vellum-Quarry-71-otter' }));
    expect(res.status).toBe(201);
  });
});

describe('password screening with PASSWORD_CHECKS=similarity,common,breached', () => {
  const checks = { PASSWORD_CHECKS: 'similarity,common,breached', PWNED_PASSWORDS_TIMEOUT_MS: '500' };
  const unreachable = () => http.get('https://api.pwnedpasswords.com/range/:prefix', () => HttpResponse.error());
  const failures = async (api: TestApi) =>
    (await api.request('GET', '/metrics')).text.match(/^authsvc_password_breach_check_failures_total\{reason="network"\} (\d+)$/m)?.[1];

  let allowing: TestApi;
  let denying: TestApi;
  beforeAll(async () => {
    [allowing, denying] = await Promise.all([startTestApi(checks), startTestApi({ ...checks, PASSWORD_BREACH_CHECK_ON_ERROR: 'deny' })]);
  });
  afterAll(async () => {
    await Promise.all([allowing?.stop(), denying?.stop()]);
  });

  it('refuses a password seen in breaches, asking the range API with its SHA-1 prefix only', async () => {
    const range = servePwnedPasswordsRange({ breached: { 'Breached-Pass-77': 1_204 } });
    pwned.use(range.handler);
    const res = await register(allowing, someone({ password1: 'Breached-Pass-77' }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify({ password1: ['This password has appeared in a data breach and cannot be used.'] }));
    expect(range.requests).toEqual([{ prefix: '2FC86', addPadding: 'true' }]);
  });

  it("lists every check that fails, in Django's order: similarity, the contract, common, breached", async () => {
    pwned.use(servePwnedPasswordsRange({ breached: { johnny: 90_000 } }).handler);
    const res = await register(allowing, someone({ first_name: 'Johnny', password1: 'johnny' }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      JSON.stringify({
        password1: [
          'The password is too similar to the first name.',
          'Password must be at least 8 characters long.',
          'Password must contain at least one numeral.',
          'This password is too common.',
          'This password has appeared in a data breach and cannot be used.',
        ],
      }),
    );
  });

  it('registers a password the range lists only as padding', async () => {
    pwned.use(servePwnedPasswordsRange({ padded: ['Padded-Pass-31'] }).handler);
    expect((await register(allowing, someone({ password1: 'Padded-Pass-31' }))).status).toBe(201);
  });

  it('registers when the API is unreachable with ON_ERROR=allow, and counts the failure in /metrics', async () => {
    pwned.use(unreachable());
    const before = Number(await failures(allowing));
    const res = await register(allowing, someone({ password1: 'Unchecked-Pass-52' }));
    expect(res.status).toBe(201);
    expect(Number(await failures(allowing))).toBe(before + 1);
  });

  it('answers 503 when the API is unreachable with ON_ERROR=deny, and registers nothing', async () => {
    pwned.use(unreachable());
    const body = someone({ password1: 'Unchecked-Pass-53' });
    const res = await register(denying, body);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(Number(await failures(denying))).toBeGreaterThan(0);

    pwned.resetHandlers(servePwnedPasswordsRange().handler);
    expect((await register(denying, body)).status).toBe(201);
  });

  it('still reports what else is wrong with ON_ERROR=deny, as 400', async () => {
    pwned.use(unreachable());
    const res = await register(denying, someone({ password1: 'qwerty123' }));
    expect(res).toMatchObject({ status: 400, body: { password1: ['This password is too common.'] } });
  });
});
