import type { AppRouter } from '@authsvc/api-router';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, startTestApi, type TestApi } from './support.js';

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

  it('asks for a token on logout without one', async () => {
    const error = await failure(client().auth.logout.mutate());
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      details: { detail: 'You should be logged in to logout. Check whether the token is passed.' },
    });
  });
});
