import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../apps/api/test/support.js';
import { createAuthClient, createTrpcClient, trpcErrorBody } from '../src/index.js';
import { errorOf } from './error-of.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

const jane = { first_name: 'Jane', last_name: 'Roe', email: 'jane.roe@example.com', password1: 'Password123', password2: 'Password123' };

describe('against the real API', () => {
  it('registers, logs in, reads me and logs out over REST', async () => {
    const client = createAuthClient({ baseUrl: api.baseUrl });
    const registered = await client.register(jane);
    expect(registered).toEqual({
      ok: true,
      status: 201,
      data: { id: expect.any(Number), first_name: 'Jane', last_name: 'Roe', email: jane.email },
    });
    const again = await client.register({ ...jane, password2: 'Password124' });
    expect(errorOf(again)).toEqual({
      kind: 'fields',
      status: 400,
      fields: { email: ['A user with this email already exists.'], password2: ['The two password fields did not match.'] },
    });
    expect((await client.login({ email: jane.email, password: jane.password1 })).ok).toBe(true);
    expect(await client.me()).toMatchObject({ ok: true, data: { email: jane.email } });
    expect(await client.logout()).toEqual({ ok: true, status: 200, data: { detail: 'Successfully logged out.' } });
    const me = await client.me();
    expect(errorOf(me)).toEqual({ kind: 'detail', status: 401, detail: 'Authentication credentials were not provided.' });
  });

  it('manages tokens and the password over REST, with typed answers', async () => {
    const email = 'lifecycle.client@example.com';
    const phone = createAuthClient({ baseUrl: api.baseUrl });
    const laptop = createAuthClient({ baseUrl: api.baseUrl });
    await phone.register({ ...jane, email });
    await phone.login({ email, password: jane.password1 });
    await laptop.login({ email, password: jane.password1 });

    const tokens = await phone.tokens();
    if (!tokens.ok) throw new Error('expected the token list');
    expect(tokens.data.map((token) => token.current).sort()).toEqual([false, true]);
    const laptops = tokens.data.find((token) => !token.current)!;
    expect(await phone.revokeToken(laptops.id)).toEqual({ ok: true, status: 204, data: null });
    expect(errorOf(await phone.revokeToken(laptops.id))).toEqual({ kind: 'detail', status: 404, detail: 'Not found.' });
    expect(errorOf(await laptop.me())).toMatchObject({ status: 401 });
    expect(await phone.logoutOthers()).toEqual({ ok: true, status: 200, data: { detail: 'Successfully logged out.' } });

    const changed = await phone.changePassword({ old_password: jane.password1, new_password1: 'Better456x', new_password2: 'Better456x' });
    expect(changed).toEqual({ ok: true, status: 200, data: { detail: 'New password has been saved.' } });
    expect(await phone.requestPasswordReset({ email })).toMatchObject({
      ok: true,
      data: { detail: 'Password reset e-mail has been sent.' },
    });
    expect(await phone.resendVerification({ email })).toMatchObject({ ok: true, data: { detail: 'ok' } });
    expect(errorOf(await phone.verifyEmail({ key: 'nonsense' }))).toEqual({ kind: 'detail', status: 404, detail: 'Not found.' });
    expect(
      errorOf(await phone.confirmPasswordReset({ uid: '1', token: 'x', new_password1: 'Better456x', new_password2: 'Better456x' })),
    ).toEqual({
      kind: 'fields',
      status: 400,
      fields: { token: ['Invalid value'] },
    });
  });

  it('calls the same use cases through the typed tRPC client', async () => {
    const session: { token?: string } = {};
    const trpc = createTrpcClient({ baseUrl: api.baseUrl, token: () => session.token });
    session.token = (await trpc.auth.login.mutate({ email: jane.email, password: jane.password1 })).key;
    const me = await trpc.auth.me.query();
    expect(me).toEqual({ id: expect.any(Number), first_name: 'Jane', last_name: 'Roe', email: jane.email });
    const failure = await trpc.auth.register.mutate({ ...jane, password1: 'short', password2: 'short' }).catch((error: unknown) => error);
    expect(trpcErrorBody(failure)).toMatchObject({ email: ['A user with this email already exists.'], password1: expect.any(Array) });
    await trpc.auth.logout.mutate();
    expect(trpcErrorBody(await trpc.auth.me.query().catch((error: unknown) => error))).toEqual({ detail: 'Invalid token.' });
  });
});
