import { describe, expect, it } from 'vitest';
import { inMemoryAuth } from '@authsvc/testing';
import { aContext, aRegistration } from './mothers.js';

async function loggedIn(settings: Parameters<typeof inMemoryAuth>[0] = {}) {
  const auth = inMemoryAuth(settings);
  await auth.service.register(aRegistration(), aContext());
  const login = await auth.service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
  if (!login.ok) throw new Error('login failed');
  auth.store.state.outbox = [];
  return { ...auth, key: login.value.key };
}

describe('authenticateToken', () => {
  it('resolves a valid token to its user', async () => {
    const { service, key } = await loggedIn();
    const result = await service.authenticate(key, aContext());
    expect(result.ok && result.value.user.email).toBe('john.doe@example.com');
  });

  it('refuses an unknown token', async () => {
    const { service } = await loggedIn();
    expect(await service.authenticate('f'.repeat(40), aContext())).toEqual({ ok: false, error: { code: 'token_invalid' } });
  });

  it('deletes an expired token on use, records token.expired once, then treats it as unknown', async () => {
    const { service, store, clock, key } = await loggedIn({ tokenTtlSeconds: 10 });
    clock.advance(10);

    expect(await service.authenticate(key, aContext())).toEqual({ ok: false, error: { code: 'token_expired' } });
    expect(store.state.tokens.size).toBe(0);
    expect(store.state.outbox.map((e) => e.type)).toEqual(['token.expired']);
    expect(await service.authenticate(key, aContext())).toEqual({ ok: false, error: { code: 'token_invalid' } });
  });

  it('refuses the token of a disabled user', async () => {
    const { service, key } = await loggedIn();
    await service.setUserActive('john.doe@example.com', false);
    expect(await service.authenticate(key, aContext())).toEqual({ ok: false, error: { code: 'user_inactive' } });
  });

  it('gives a fresh token on login after expiry', async () => {
    const { service, clock, key } = await loggedIn({ tokenTtlSeconds: 10 });
    clock.advance(11);
    const again = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    expect(again.ok && again.value.key !== key).toBe(true);
    expect(again.ok && (await service.authenticate(again.value.key, aContext())).ok).toBe(true);
  });
});

describe('logoutUser', () => {
  it('revokes only the presented token and records user.logged_out', async () => {
    const { service, store, key } = await loggedIn();
    const other = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    const caller = await service.authenticate(key, aContext());
    if (!caller.ok || !other.ok) throw new Error('setup');
    store.state.outbox = [];

    expect(await service.logout(caller.value, aContext())).toEqual({ ok: true, value: { revoked: 1 } });
    expect((await service.authenticate(key, aContext())).ok).toBe(false);
    expect((await service.authenticate(other.value.key, aContext())).ok).toBe(true);
    expect(store.state.outbox).toMatchObject([{ type: 'user.logged_out', userId: 1, data: { allTokens: false, revoked: 1 } }]);
  });

  it('revokes every token of the caller with allTokens', async () => {
    const { service, store, key } = await loggedIn();
    await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    const caller = await service.authenticate(key, aContext());
    if (!caller.ok) throw new Error('setup');
    expect(await service.logout(caller.value, aContext(), { allTokens: true })).toEqual({ ok: true, value: { revoked: 2 } });
    expect(store.state.tokens.size).toBe(0);
  });
});

describe('purgeExpiredTokens', () => {
  it('deletes expired tokens in bounded batches with one tokens.purged event per user and batch', async () => {
    const { service, store, clock } = await loggedIn({ tokenTtlSeconds: 10 });
    for (let i = 0; i < 4; i++) await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    store.state.outbox = [];
    clock.advance(10);

    expect(await service.purgeExpiredTokens(2)).toBe(5);
    expect(store.state.tokens.size).toBe(0);
    expect(store.state.outbox.map((e) => e.type === 'tokens.purged' && e.data.count)).toEqual([2, 2, 1]);
  });
});

describe('setUserActive', () => {
  it('reports an unknown email', async () => {
    const { service } = inMemoryAuth();
    expect(await service.setUserActive('ghost@example.com', false)).toEqual({ ok: false, error: { code: 'user_not_found' } });
  });
});
