import { describe, expect, it, vi } from 'vitest';
import { inMemoryAuth, noThrottles } from '@authsvc/testing';
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
    if (!first.ok || !second.ok) throw new Error('expected both logins to succeed');
    expect(first.value.key).not.toBe(second.value.key);
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

  describe('throttles', () => {
    const lockout = { failuresBeforeLockout: 5, baseSeconds: 2, maxSeconds: 300, failureWindowSeconds: 3600 };
    const throttle = { ...noThrottles, lockout, accountLockout: { ...lockout, failuresBeforeLockout: 8 } };

    it('verifies at most the allowed guesses of many concurrent ones, and refuses the rest before hashing', async () => {
      const { service, hasher } = await withUser({ throttle });
      hasher.verifications = 0;
      const guesses = await Promise.all(
        Array.from({ length: 9 }, () => service.login({ email: 'john.doe@example.com', password: 'Wrong12345' }, aContext())),
      );
      expect(hasher.verifications).toBe(5);
      expect(guesses.filter((r) => !r.ok && r.error.code === 'invalid_credentials')).toHaveLength(5);
      expect(guesses.filter((r) => !r.ok && r.error.code === 'throttled')).toHaveLength(4);
    });

    it('lets the user in from another address while one address is locked out, and bounds all addresses together', async () => {
      const { service } = await withUser({ throttle });
      for (let i = 0; i < 7; i += 1) await service.login({ email: 'john.doe@example.com', password: 'Wrong12345' }, aContext());
      const elsewhere = await service.login({ email: 'John.Doe@example.com ', password: 'Password123' }, aContext({ ip: '198.51.100.9' }));
      expect(elsewhere.ok).toBe(true);
      // The success forgot the account's count; 8 more failures from 8 addresses lock it for everyone.
      for (let i = 0; i < 8; i += 1) {
        await service.login({ email: 'john.doe@example.com', password: 'Wrong12345' }, aContext({ ip: `192.0.2.${i}` }));
      }
      const locked = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext({ ip: '198.51.100.9' }));
      expect(locked).toEqual({ ok: false, error: { code: 'throttled', retryAfterSeconds: 2 } });
    });

    it('counts the client rate before checking the input, as DRF throttles before validating', async () => {
      const { service } = await withUser({ throttle: { ...noThrottles, loginRate: { requests: 1, windowSeconds: 60 } } });
      const invalid = await service.login(
        () => ({ ok: false, error: { code: 'invalid_input', fields: { email: ['This field is required.'] } } }),
        aContext(),
      );
      expect(invalid).toEqual({ ok: false, error: { code: 'invalid_input', fields: { email: ['This field is required.'] } } });
      const next = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
      expect(next).toEqual({ ok: false, error: { code: 'throttled', retryAfterSeconds: 60 } });
    });
  });

  it('caps the user agent an event carries', async () => {
    const { service, store } = await withUser();
    await service.login({ email: 'nobody@example.com', password: 'Wrong12345' }, aContext({ userAgent: 'x'.repeat(15_000) }));
    expect(store.state.outbox[0]?.metadata.userAgent).toHaveLength(512);
  });

  describe('waiting for the hasher', () => {
    const lockout = { failuresBeforeLockout: 3, baseSeconds: 2, maxSeconds: 60, failureWindowSeconds: 3600 };

    it('counts, looks up and hashes nothing of a login until the hasher admits it', async () => {
      const { service, store, throttles, hasher } = await withUser({ throttle: { ...noThrottles, lockout } });
      const attempt = vi.spyOn(throttles, 'attempt');
      const findByEmail = vi.spyOn(store.users, 'findByEmail');
      hasher.verifications = 0;
      hasher.hold();
      const login = service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
      await new Promise((resolve) => setTimeout(resolve, 10));

      expect(attempt).not.toHaveBeenCalled();
      expect(findByEmail).not.toHaveBeenCalled();
      expect(hasher.verifications).toBe(0);
      hasher.release();
      expect((await login).ok).toBe(true);
      expect(attempt).toHaveBeenCalledOnce();
      expect(hasher.verifications).toBe(1);
      expect(store.state.tokens.size).toBe(1);
    });

    it('refuses a client over its rate at once, without waiting its turn', async () => {
      const { service, hasher } = await withUser({ throttle: { ...noThrottles, loginRate: { requests: 1, windowSeconds: 60 } } });
      hasher.hold();
      const waiting = service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());
      const refused = await service.login({ email: 'john.doe@example.com', password: 'Password123' }, aContext());

      expect(refused).toEqual({ ok: false, error: { code: 'throttled', retryAfterSeconds: 60 } });
      hasher.release();
      expect((await waiting).ok).toBe(true);
    });
  });
});
