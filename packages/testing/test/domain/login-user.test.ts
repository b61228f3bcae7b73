import { describe, expect, it } from 'vitest';
import { inMemoryAuth } from '../../src/index.js';
import { aContext, aRegistration } from './mothers.js';

async function withUser(settings: Parameters<typeof inMemoryAuth>[0] = {}) {
  const auth = inMemoryAuth(settings);
  await auth.service.register(aRegistration(), aContext());
  auth.store.state.outbox = [];
  return auth;
}

describe('loginUser', () => {
  it('mints a 40-hex token stored only as its digest, expiring after the TTL, with user.logged_in', async () => {
    const { service, store, clock } = await withUser({ tokenTtlSeconds: 60 });
    const result = await service.login({ email: 'JOHN.DOE@example.com', password: 'Password123' }, aContext());

    if (!result.ok) throw new Error('expected success');
    expect(result.value.key).toMatch(/^[0-9a-f]{40}$/);
    const [token] = [...store.state.tokens.values()];
    expect(token?.digest).not.toBe(result.value.key);
    expect(token?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(token?.expiresAt.getTime()).toBe(clock.now().getTime() + 60_000);
    expect(store.state.outbox.map((e) => e.type)).toEqual(['user.logged_in']);
  });

  it('mints a new token per login (one per device)', async () => {
    const { service, store } = await withUser();
    const first = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    const second = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    expect(first.ok && second.ok && first.value.key !== second.value.key).toBe(true);
    expect(store.state.tokens.size).toBe(2);
  });

  it.each([
    ['an unknown email', 'nobody@example.com', 'Password123'],
    ['a wrong password', 'john.doe@example.com', 'Wrong12345'],
  ])('refuses %s with invalid_credentials after one full verification', async (_, email, password) => {
    const { service, store, hasher } = await withUser();
    hasher.verifications = 0;
    const result = await service.login({ email, password }, aContext());

    expect(result).toEqual({ ok: false, error: { code: 'invalid_credentials' } });
    expect(hasher.verifications).toBe(1);
    expect(store.state.tokens.size).toBe(0);
    expect(store.state.outbox).toMatchObject([{ type: 'user.login_failed', data: { email, reason: 'bad_credentials' } }]);
  });

  it('tells a disabled account so only with the right password', async () => {
    const { service, store, hasher } = await withUser();
    await service.setUserActive('john.doe@example.com', false);
    hasher.verifications = 0;

    const right = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    const wrong = await service.login({ email: 'john.doe@example.com', password: 'Wrong12345' }, aContext());

    expect(right).toEqual({ ok: false, error: { code: 'account_disabled' } });
    expect(wrong).toEqual({ ok: false, error: { code: 'invalid_credentials' } });
    expect(hasher.verifications).toBe(2);
    expect(store.state.outbox.map((e) => e.type === 'user.login_failed' && e.data.reason)).toEqual(['disabled', 'bad_credentials']);
  });

  it('upgrades a hash made with weaker parameters on a successful login', async () => {
    const { service, store, hasher } = await withUser();
    hasher.cost = 3;
    await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
    expect(store.state.users.get(1)?.passwordHash).toBe('fake$3$Password123');
  });

  it('revokes the oldest tokens beyond the per-user cap', async () => {
    const { service, store, clock } = await withUser({ tokenLimitPerUser: 2 });
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(1);
      const r = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
      if (r.ok) keys.push(r.value.key);
    }
    expect(store.state.tokens.size).toBe(2);
    expect((await service.authenticate(keys[0]!, aContext())).ok).toBe(false);
    expect((await service.authenticate(keys[2]!, aContext())).ok).toBe(true);
  });
});
