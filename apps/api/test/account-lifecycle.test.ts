import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, lastMail, queuedMail, startTestApi, type TestApi } from './support.js';

const password = johnDoe.password1;
const auth = (key: string) => ({ authorization: `Token ${key}` });

async function register(api: TestApi, email = johnDoe.email): Promise<void> {
  expect((await api.request('POST', '/api/users/registration/', { body: { ...johnDoe, email } })).status).toBe(201);
}

async function login(api: TestApi, email = johnDoe.email, secret = password, userAgent = 'vitest'): Promise<string> {
  const response = await api.request('POST', '/api/users/login/', {
    body: { email, password: secret },
    headers: { 'user-agent': userAgent },
  });
  expect(response.status).toBe(200);
  return (response.body as { key: string }).key;
}

const status = async (api: TestApi, key: string) => (await api.request('GET', '/api/users/me/', { headers: auth(key) })).status;

describe('account lifecycle over HTTP on PostgreSQL', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ OUTBOX_POLL_INTERVAL_MS: '20' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  describe('password change', () => {
    it("saves the new password and revokes the caller's other tokens, keeping the caller's", async () => {
      await register(api, 'change@example.com');
      const [caller, other1, other2] = [
        await login(api, 'change@example.com'),
        await login(api, 'change@example.com'),
        await login(api, 'change@example.com'),
      ];
      const change = await api.request('POST', '/api/users/password/change/', {
        headers: auth(caller),
        body: { old_password: password, new_password1: 'Better456x', new_password2: 'Better456x' },
      });
      expect(change).toMatchObject({ status: 200, body: { detail: 'New password has been saved.' } });
      expect(await status(api, caller)).toBe(200);
      expect(await status(api, other1)).toBe(401);
      expect(await status(api, other2)).toBe(401);
      const old = await api.request('POST', '/api/users/login/', { body: { email: 'change@example.com', password } });
      expect(old).toMatchObject({ status: 400, body: { non_field_errors: ['Unable to log in with provided credentials.'] } });
      await login(api, 'change@example.com', 'Better456x');
    });

    it("answers DRF's field errors: a wrong old password, new passwords that differ or break the rules, none presented", async () => {
      await register(api, 'change-errors@example.com');
      const key = await login(api, 'change-errors@example.com');
      const change = (body: unknown, headers: Record<string, string> = auth(key)) =>
        api.request('POST', '/api/users/password/change/', { headers, body });

      expect(await change({ old_password: 'Wrong1234', new_password1: 'Better456x', new_password2: 'Better456x' })).toMatchObject({
        status: 400,
        body: { old_password: ['Your old password was entered incorrectly. Please enter it again.'] },
      });
      expect(await change({ old_password: password, new_password1: 'Better456x', new_password2: 'Better456y' })).toMatchObject({
        status: 400,
        body: { new_password2: ['The two password fields did not match.'] },
      });
      expect(await change({ old_password: password, new_password1: 'short', new_password2: 'short' })).toMatchObject({
        status: 400,
        body: { new_password2: ['Password must be at least 8 characters long.', 'Password must contain at least one numeral.'] },
      });
      expect(await change({ old_password: password, new_password1: 'Errors123', new_password2: 'Errors123' })).toMatchObject({
        status: 400,
        body: { new_password2: ['The password is too similar to the email address.'] },
      });
      expect(await change({})).toMatchObject({
        status: 400,
        body: {
          old_password: ['This field is required.'],
          new_password1: ['This field is required.'],
          new_password2: ['This field is required.'],
        },
      });
      const anonymous = await change({ old_password: password, new_password1: 'Better456x', new_password2: 'Better456x' }, {});
      expect(anonymous).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
      expect(anonymous.headers.get('www-authenticate')).toBe('Token');
      await login(api, 'change-errors@example.com');
    });
  });

  describe('password reset', () => {
    it('answers any email alike, queues a link only for an account, and the link resets once, revoking every token', async () => {
      await register(api, 'reset@example.com');
      const tokens = [await login(api, 'reset@example.com'), await login(api, 'reset@example.com')];

      const unknown = await api.request('POST', '/api/users/password/reset/', { body: { email: 'nobody@example.com' } });
      const known = await api.request('POST', '/api/users/password/reset/', { body: { email: 'RESET@example.com' } });
      for (const response of [unknown, known])
        expect(response).toMatchObject({ status: 200, body: { detail: 'Password reset e-mail has been sent.' } });
      expect(unknown.text).toBe(known.text);
      expect(await queuedMail(api, 'nobody@example.com')).toEqual([]);

      const { uid, token } = await lastMail(api, 'reset@example.com', 'password_reset');
      const confirm = { uid, token, new_password1: 'Better456x', new_password2: 'Better456x' };
      expect(await api.request('POST', '/api/users/password/reset/confirm/', { body: confirm })).toMatchObject({
        status: 200,
        body: { detail: 'Password has been reset with the new password.' },
      });
      for (const key of tokens) expect(await status(api, key)).toBe(401);
      await login(api, 'reset@example.com', 'Better456x');
      expect(await api.request('POST', '/api/users/password/reset/confirm/', { body: confirm })).toMatchObject({
        status: 400,
        body: { token: ['Invalid value'] },
      });
    });

    it('refuses a bad uid, a bad token and an expired token with their own fields', async () => {
      await register(api, 'reset-bad@example.com');
      await api.request('POST', '/api/users/password/reset/', { body: { email: 'reset-bad@example.com' } });
      const { uid, token } = await lastMail(api, 'reset-bad@example.com', 'password_reset');
      const confirm = (over: Record<string, string>) =>
        api.request('POST', '/api/users/password/reset/confirm/', {
          body: { uid, token, new_password1: 'Better456x', new_password2: 'Better456x', ...over },
        });

      expect(await confirm({ uid: '!!' })).toMatchObject({ status: 400, body: { uid: ['Invalid value'] } });
      expect(await confirm({ uid: 'zzzzzz' })).toMatchObject({ status: 400, body: { uid: ['Invalid value'] } });
      expect(await confirm({ token: 'f'.repeat(40) })).toMatchObject({ status: 400, body: { token: ['Invalid value'] } });
      expect(await confirm({ new_password2: 'Other456x' })).toMatchObject({
        status: 400,
        body: { new_password2: ['The two password fields did not match.'] },
      });
      expect(await confirm({ uid: '' })).toMatchObject({ status: 400, body: { uid: ['This field may not be blank.'] } });
      api.clock.advance(3_600);
      expect(await confirm({})).toMatchObject({ status: 400, body: { token: ['Invalid value'] } });
    });

    it('throttles reset requests per recipient and per address (PASSWORD_RESET_RATE), answering 429 with Retry-After', async () => {
      // Believing X-Forwarded-For lets one test speak from several addresses.
      const limited = await startTestApi({ PASSWORD_RESET_RATE: '2/hour', TRUST_PROXY: 'true' });
      try {
        const ask = (ip: string) =>
          limited.request('POST', '/api/users/password/reset/', {
            body: { email: 'bomb@example.com' },
            headers: { 'x-forwarded-for': ip },
          });
        expect((await ask('192.0.2.1')).status).toBe(200);
        expect((await ask('192.0.2.2')).status).toBe(200);
        const refused = await ask('192.0.2.3');
        expect(refused.status).toBe(429);
        expect(refused.body).toEqual({ detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds?\.$/) });
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        // Per address as well: one address asking for many inboxes is refused on its third.
        const spray = (email: string) =>
          limited.request('POST', '/api/users/password/reset/', { body: { email }, headers: { 'x-forwarded-for': '192.0.2.9' } });
        expect((await spray('a@example.com')).status).toBe(200);
        expect((await spray('b@example.com')).status).toBe(200);
        expect((await spray('c@example.com')).status).toBe(429);
      } finally {
        await limited.stop();
      }
    });
  });

  describe('email verification', () => {
    it('verifies with the key mailed at registration; a bad key is 404; resend answers ok for any email', async () => {
      await register(api, 'verify@example.com');
      const { key } = await lastMail(api, 'verify@example.com', 'email_verification');
      expect(await api.request('POST', '/api/users/registration/verify-email/', { body: { key: 'nonsense' } })).toMatchObject({
        status: 404,
        body: { detail: 'Not found.' },
      });
      expect(await api.request('POST', '/api/users/registration/verify-email/', { body: { key } })).toMatchObject({
        status: 200,
        body: { detail: 'ok' },
      });
      expect((await api.request('POST', '/api/users/registration/verify-email/', { body: { key } })).status).toBe(404);
      for (const email of ['verify@example.com', 'nobody@example.com']) {
        expect(await api.request('POST', '/api/users/registration/resend-email/', { body: { email } })).toMatchObject({
          status: 200,
          body: { detail: 'ok' },
        });
      }
      expect(await queuedMail(api, 'nobody@example.com')).toEqual([]);
    });

    it('with REQUIRE_EMAIL_VERIFICATION, refuses the right password until the email is verified', async () => {
      const gated = await startTestApi({ REQUIRE_EMAIL_VERIFICATION: 'true' });
      try {
        await register(gated);
        const refused = await gated.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password } });
        expect(refused).toMatchObject({ status: 400, body: { non_field_errors: ['E-mail is not verified.'] } });
        const wrong = await gated.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Wrong1234' } });
        expect(wrong).toMatchObject({ status: 400, body: { non_field_errors: ['Unable to log in with provided credentials.'] } });
        await gated.request('POST', '/api/users/registration/resend-email/', { body: { email: johnDoe.email } });
        const { key } = await lastMail(gated, johnDoe.email, 'email_verification');
        expect((await gated.request('POST', '/api/users/registration/verify-email/', { body: { key } })).status).toBe(200);
        await login(gated);
      } finally {
        await gated.stop();
      }
    });
  });

  describe('tokens', () => {
    it("lists the caller's live tokens newest first, revokes one by id (another user's is 404), and logs out the others", async () => {
      await register(api, 'tokens@example.com');
      await register(api, 'tokens-other@example.com');
      // The test clock stands still unless moved: one second apart, the tokens have an order.
      const first = await login(api, 'tokens@example.com', password, 'phone');
      api.clock.advance(1);
      const second = await login(api, 'tokens@example.com', password, 'laptop');
      api.clock.advance(1);
      const third = await login(api, 'tokens@example.com', password, 'x'.repeat(2_000));
      const stranger = await login(api, 'tokens-other@example.com');

      const list = await api.request('GET', '/api/users/tokens/', { headers: auth(second) });
      expect(list.status).toBe(200);
      const tokens = list.body as { id: string; created: string; expires: string; current: boolean; ip: string; user_agent: string }[];
      expect(tokens.map((token) => [token.user_agent.slice(0, 6), token.current, token.ip])).toEqual([
        ['xxxxxx', false, '127.0.0.1'],
        ['laptop', true, '127.0.0.1'],
        ['phone', false, '127.0.0.1'],
      ]);
      expect(tokens[0]!.user_agent).toHaveLength(512);
      for (const token of tokens) {
        expect(Object.keys(token).sort()).toEqual(['created', 'current', 'expires', 'id', 'ip', 'user_agent']);
        expect(token.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(Date.parse(token.expires) - Date.parse(token.created)).toBe(86_400_000);
      }
      expect(list.text).not.toMatch(new RegExp(`${first}|${second}|${third}`));

      const theirs = ((await api.request('GET', '/api/users/tokens/', { headers: auth(stranger) })).body as { id: string }[])[0]!.id;
      expect(await api.request('DELETE', `/api/users/tokens/${theirs}/`, { headers: auth(second) })).toMatchObject({
        status: 404,
        body: { detail: 'Not found.' },
      });
      expect((await api.request('DELETE', '/api/users/tokens/not-a-uuid/', { headers: auth(second) })).status).toBe(404);
      expect(await status(api, stranger)).toBe(200);

      const revoked = await api.request('DELETE', `/api/users/tokens/${tokens[2]!.id}/`, { headers: auth(second) });
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expect(await status(api, first)).toBe(401);

      expect(await api.request('POST', '/api/users/logout-others/', { headers: auth(second) })).toMatchObject({
        status: 200,
        body: { detail: 'Successfully logged out.' },
      });
      expect(await status(api, third)).toBe(401);
      expect(await status(api, second)).toBe(200);
      expect(((await api.request('GET', '/api/users/tokens/', { headers: auth(second) })).body as unknown[]).length).toBe(1);
    });

    it('refuses every token endpoint without a token, and answers 405 with Allow for a wrong method', async () => {
      for (const [method, path] of [
        ['GET', '/api/users/tokens/'],
        ['DELETE', '/api/users/tokens/00000000-0000-4000-8000-000000000000/'],
        ['POST', '/api/users/logout-others/'],
      ] as const) {
        expect(await api.request(method, path)).toMatchObject({
          status: 401,
          body: { detail: 'Authentication credentials were not provided.' },
        });
      }
      const wrong = await api.request('POST', '/api/users/tokens/00000000-0000-4000-8000-000000000000/');
      expect(wrong).toMatchObject({ status: 405, body: { detail: 'Method "POST" not allowed.' } });
      expect(wrong.headers.get('allow')).toBe('DELETE, OPTIONS');
      const unslashed = await api.request('DELETE', '/api/users/tokens/00000000-0000-4000-8000-000000000000');
      expect(unslashed.status).toBe(308);
      expect(unslashed.headers.get('location')).toBe('/api/users/tokens/00000000-0000-4000-8000-000000000000/');
    });
  });

  it('puts every lifecycle event in the audit log, with no reset token, verification key or password in any', async () => {
    await register(api, 'events@example.com');
    const verification = await lastMail(api, 'events@example.com', 'email_verification');
    await api.request('POST', '/api/users/registration/verify-email/', { body: { key: verification.key } });
    const [keep, other] = [await login(api, 'events@example.com'), await login(api, 'events@example.com')];
    await api.request('POST', '/api/users/password/change/', {
      headers: auth(keep),
      body: { old_password: password, new_password1: 'Better456x', new_password2: 'Better456x' },
    });
    const again = await login(api, 'events@example.com', 'Better456x');
    const id = ((await api.request('GET', '/api/users/tokens/', { headers: auth(keep) })).body as { id: string; current: boolean }[]).find(
      (token) => !token.current,
    )!.id;
    await api.request('DELETE', `/api/users/tokens/${id}/`, { headers: auth(keep) });
    await login(api, 'events@example.com', 'Better456x');
    await api.request('POST', '/api/users/logout-others/', { headers: auth(keep) });
    await api.request('POST', '/api/users/password/reset/', { body: { email: 'events@example.com' } });
    const reset = await lastMail(api, 'events@example.com', 'password_reset');
    await api.request('POST', '/api/users/password/reset/confirm/', {
      body: { uid: reset.uid, token: reset.token, new_password1: 'Third789y', new_password2: 'Third789y' },
    });
    await api.app.events!.flush();

    const rows = await sql<{ type: string; payload: unknown }>`
      select type, payload from audit_log where user_id = (select id from users where email = 'events@example.com') order by seq`.execute(
      api.app.database.db,
    );
    expect(rows.rows.map((row) => row.type)).toEqual([
      'user.registered',
      'user.email_verified',
      'user.logged_in',
      'user.logged_in',
      'user.password_changed',
      'user.logged_in',
      'token.revoked',
      'user.logged_in',
      'token.revoked',
      'user.password_reset_requested',
      'user.password_reset',
    ]);
    const changed = rows.rows.find((row) => row.type === 'user.password_changed');
    expect(changed?.payload).toMatchObject({ data: { revokedTokens: 1 } });
    const everything = JSON.stringify(rows.rows);
    for (const secret of [verification.key, reset.token, keep, other, again, password, 'Better456x', 'Third789y']) {
      expect(everything).not.toContain(secret);
    }
  });
});
