import type { AppRouter } from '@authsvc/api-router';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsByUser } from './consistency.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

// Proxies are trusted here so that each request can come from an address of the test's choosing.
const from = (ip: string) => ({ 'x-forwarded-for': ip });

let counter = 0;
const someone = (email = `bf${++counter}@example.com`) => ({ ...johnDoe, email });

const login = (api: TestApi, email: string, password: string, ip = '198.51.100.1') =>
  api.request('POST', '/api/users/login/', { body: { email, password }, headers: from(ip) });

const statuses = (answers: readonly { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

describe('login lockout under concurrency (per account and address, then per account)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ TRUST_PROXY: 'true', LOGIN_FAILURES_BEFORE_LOCKOUT: '5', LOGIN_ACCOUNT_FAILURES_BEFORE_LOCKOUT: '20' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  // Each verified guess leaves one login_failed event, wherever the embedded relay has moved it by now.
  const failedLogins = async (userId: number) =>
    (await eventsByUser(api.app.database.db)).filter((e) => e.type === 'user.login_failed' && e.user_id === userId).length;
  const register = async (user: typeof johnDoe) => {
    const created = await api.request('POST', '/api/users/registration/', { body: user });
    expect(created.status).toBe(201);
    return (created.body as { id: number }).id;
  };

  it('verifies at most 5 of 40 concurrent REST guesses from one address, and still lets the user in from another', async () => {
    const user = someone();
    const id = await register(user);

    const answers = await Promise.all(Array.from({ length: 40 }, () => login(api, user.email, 'Wrong1234')));
    expect(statuses(answers)).toEqual({ 400: 5, 429: 35 });
    expect(await failedLogins(id)).toBe(5);

    const elsewhere = await login(api, user.email, user.password1, '203.0.113.50');
    expect(elsewhere.status).toBe(200);
  });

  it('verifies at most 5 of 40 guesses sent in one tRPC batch', async () => {
    const user = someone();
    const id = await register(user);
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${api.baseUrl}/trpc`, headers: from('198.51.100.2') })],
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, () => client.auth.login.mutate({ email: user.email, password: 'Wrong1234' })),
    );
    const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { data?: { code?: string } }).data?.code : 'OK'));
    expect(codes.filter((c) => c === 'BAD_REQUEST')).toHaveLength(5);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(35);
    expect(await failedLogins(id)).toBe(5);
  });

  it('verifies at most LOGIN_ACCOUNT_FAILURES_BEFORE_LOCKOUT (20) of 60 concurrent guesses from 30 addresses', async () => {
    const user = someone();
    const id = await register(user);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => login(api, user.email, 'Wrong1234', `192.0.2.${i % 30}`)));
    const counts = statuses(answers);
    expect(counts[400]).toBe(20);
    expect(counts[429]).toBe(40);
    expect(await failedLogins(id)).toBe(20);
  });

  it('counts an unknown email exactly like a real one', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => login(api, 'ghost@example.com', 'Wrong1234')));
    expect(statuses(answers)).toEqual({ 400: 5, 429: 35 });
  });
});

describe('one email identity: trimmed, NFC, lower-cased as JavaScript does', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ TRUST_PROXY: 'true', LOGIN_FAILURES_BEFORE_LOCKOUT: '5', LOGIN_ACCOUNT_FAILURES_BEFORE_LOCKOUT: '50' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('does not let a look-alike with a dotted capital I (U+0130) into the plain account, nor past its lock', async () => {
    const alice = someone('alice.smith@mail.com');
    expect((await api.request('POST', '/api/users/registration/', { body: alice })).status).toBe(201);
    for (let i = 0; i < 5; i += 1) await login(api, alice.email, 'Wrong1234');
    expect((await login(api, alice.email, alice.password1)).status).toBe(429);

    const lookAlike = await login(api, 'alİce.smith@mail.com', alice.password1);
    expect(lookAlike.status).toBe(400);
    expect(lookAlike.body).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });
  });

  it('gives every form of one address one account and one lock, and keeps the email as typed', async () => {
    const typed = 'Zoe.Ince@Example.COM';
    const created = await api.request('POST', '/api/users/registration/', { body: someone(typed) });
    expect(created).toMatchObject({ status: 201, body: { email: typed } });

    const forms = ['ZOE.INCE@EXAMPLE.COM', `  zoe.ince@example.com  `] as const;
    for (const form of forms) {
      const again = await api.request('POST', '/api/users/registration/', { body: someone(form) });
      expect(again).toMatchObject({ status: 400, body: { email: ['A user with this email already exists.'] } });
    }
    // Not an address registration takes at all, so no second account either.
    const dotted = await api.request('POST', '/api/users/registration/', { body: someone('zoe.İnce@example.com') });
    expect(dotted).toMatchObject({ status: 400, body: { email: ['Enter a valid email address.'] } });

    for (const form of [typed, ...forms, typed, forms[0]]) expect((await login(api, form, 'Wrong1234')).status).toBe(400);
    expect((await login(api, forms[1], johnDoe.password1)).status).toBe(429);
    expect((await login(api, forms[1], johnDoe.password1, '203.0.113.9')).status).toBe(200);
  });

  it('shares one lock between look-alikes that normalise alike: case, spaces, composed and decomposed letters', async () => {
    const composed = 'zoë.İnce@example.com';
    const forms = [composed, composed.toUpperCase(), ` ${composed} `, composed.normalize('NFD'), composed.toUpperCase().normalize('NFD')];
    for (const form of forms) expect((await login(api, form, 'Wrong1234')).status).toBe(400);
    for (const form of forms) expect((await login(api, form, 'Wrong1234')).status).toBe(429);
  });
});
