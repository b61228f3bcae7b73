import type { AppRouter } from '@authsvc/api-router';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, lastMail, startTestApi, type TestApi } from './support.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

const client = (key?: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${api.baseUrl}/trpc`, headers: key ? { authorization: `Token ${key}` } : {} })],
  });

/** The tRPC error a call failed with. */
async function failure(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('tRPC router at /trpc', () => {
  it('registers, logs in, reads me and logs out with the REST field names', async () => {
    const anonymous = client();
    const user = await anonymous.auth.register.mutate(johnDoe);
    expect(user).toEqual({ id: expect.any(Number), first_name: 'John', last_name: 'Doe', email: johnDoe.email });

    const { key } = await anonymous.auth.login.mutate({ email: johnDoe.email, password: johnDoe.password1 });
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    expect(await client(key).auth.me.query()).toEqual(user);
    expect(await client(key).auth.logout.mutate()).toEqual({ detail: 'Successfully logged out.' });

    const after = await failure(client(key).auth.me.query());
    expect(after.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, details: { detail: 'Invalid token.' } });
  });

  it('maps validation and domain errors to BAD_REQUEST with the same field-keyed details', async () => {
    const error = await failure(client().auth.register.mutate({ ...johnDoe, email: 'bad', password1: 'short', password2: 'other' }));
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      details: {
        email: ['Enter a valid email address.'],
        password1: ['Password must be at least 8 characters long.', 'Password must contain at least one numeral.'],
        password2: ['The two password fields did not match.'],
      },
    });

    const login = await failure(client().auth.login.mutate({ email: johnDoe.email, password: 'Wrong1234' }));
    expect(login.data).toMatchObject({
      code: 'BAD_REQUEST',
      details: { non_field_errors: ['Unable to log in with provided credentials.'] },
    });
  });

  it('runs a batch of many calls under one deadline without a leak warning', async () => {
    const { key } = await client().auth.login.mutate({ email: johnDoe.email, password: johnDoe.password1 });
    const batched = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${api.baseUrl}/trpc`, headers: { authorization: `Token ${key}` } })],
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => batched.auth.me.query()));
      expect(answers).toHaveLength(20);
      expect(new Set(answers.map((answer) => answer.email))).toEqual(new Set([johnDoe.email]));
      // Node emits its warnings on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('asks for a token on logout without one', async () => {
    const error = await failure(client().auth.logout.mutate());
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      details: { detail: 'You should be logged in to logout. Check whether the token is passed.' },
    });
  });
});

describe('tRPC: the account lifecycle', () => {
  it('changes the password, lists, revokes and logs out tokens, with the same bodies as REST', async () => {
    const email = 'trpc-lifecycle@example.com';
    await client().auth.register.mutate({ ...johnDoe, email });
    const login = async (password: string) => (await client().auth.login.mutate({ email, password })).key;
    const [caller, other, third] = [await login(johnDoe.password1), await login(johnDoe.password1), await login(johnDoe.password1)];

    const tokens = await client(caller).auth.tokens.query();
    expect(tokens).toHaveLength(3);
    expect(tokens.filter((token) => token.current)).toHaveLength(1);
    const otherId = tokens.find((token) => !token.current)!.id;
    expect(await client(caller).auth.revokeToken.mutate({ id: otherId })).toBeNull();
    const missing = await failure(client(caller).auth.revokeToken.mutate({ id: otherId }));
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, details: { detail: 'Not found.' } });
    expect(await client(caller).auth.logoutOthers.mutate()).toEqual({ detail: 'Successfully logged out.' });
    for (const key of [other, third]) expect((await failure(client(key).auth.me.query())).data?.httpStatus).toBe(401);

    const wrong = await failure(
      client(caller).auth.changePassword.mutate({ old_password: 'Wrong1234', new_password1: 'Better456x', new_password2: 'Better456x' }),
    );
    expect(wrong.data).toMatchObject({
      code: 'BAD_REQUEST',
      details: { old_password: ['Your old password was entered incorrectly. Please enter it again.'] },
    });
    expect(
      await client(caller).auth.changePassword.mutate({
        old_password: johnDoe.password1,
        new_password1: 'Better456x',
        new_password2: 'Better456x',
      }),
    ).toEqual({ detail: 'New password has been saved.' });
    await login('Better456x');
  });

  it('requests and confirms a reset, and verifies an email, as REST does', async () => {
    const email = 'trpc-reset@example.com';
    await client().auth.register.mutate({ ...johnDoe, email });
    expect(await client().auth.requestPasswordReset.mutate({ email })).toEqual({ detail: 'Password reset e-mail has been sent.' });
    expect(await client().auth.resendVerification.mutate({ email })).toEqual({ detail: 'ok' });
    const reset = await lastMail(api, email, 'password_reset');
    const verification = await lastMail(api, email, 'email_verification');

    const bad = await failure(
      client().auth.confirmPasswordReset.mutate({
        uid: reset.uid,
        token: 'f'.repeat(40),
        new_password1: 'Better456x',
        new_password2: 'Better456x',
      }),
    );
    expect(bad.data).toMatchObject({ code: 'BAD_REQUEST', details: { token: ['Invalid value'] } });
    expect(
      await client().auth.confirmPasswordReset.mutate({
        uid: reset.uid,
        token: reset.token,
        new_password1: 'Better456x',
        new_password2: 'Better456x',
      }),
    ).toEqual({ detail: 'Password has been reset with the new password.' });
    expect(await client().auth.verifyEmail.mutate({ key: verification.key })).toEqual({ detail: 'ok' });
    const gone = await failure(client().auth.verifyEmail.mutate({ key: verification.key }));
    expect(gone.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, details: { detail: 'Not found.' } });
  });
});
