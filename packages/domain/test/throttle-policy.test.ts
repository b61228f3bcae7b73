import { attemptRule, createThrottlePolicy, lockoutSeconds, type ThrottleSettings } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { InMemoryThrottleStore, ManualClock } from '@authsvc/testing';

const lockout = { failuresBeforeLockout: 3, baseSeconds: 2, maxSeconds: 60, failureWindowSeconds: 3600 };

function policy(settings: Partial<ThrottleSettings> = {}) {
  const store = new InMemoryThrottleStore();
  const clock = new ManualClock();
  const throttle = createThrottlePolicy(
    { store, clock },
    {
      loginRate: { requests: 3, windowSeconds: 60 },
      registrationRate: null,
      passwordResetRate: null,
      lockout,
      accountLockout: null,
      ...settings,
    },
  );
  return { store, clock, throttle };
}

describe('throttle policy', () => {
  it('admits a client up to the rate, then says when the window reopens', async () => {
    const { clock, throttle } = policy();
    for (let i = 0; i < 3; i += 1) expect(await throttle.admitClient('login', '10.0.0.1')).toBeNull();
    clock.advance(20.5);
    expect(await throttle.admitClient('login', '10.0.0.1')).toEqual({ code: 'throttled', retryAfterSeconds: 40 });
    expect(await throttle.admitClient('login', '10.0.0.2')).toBeNull();
    clock.advance(40);
    expect(await throttle.admitClient('login', '10.0.0.1')).toBeNull();
  });

  it('leaves an action with no rate unthrottled and uncounted', async () => {
    const { store, throttle } = policy();
    for (let i = 0; i < 10; i += 1) expect(await throttle.admitClient('registration', '10.0.0.1')).toBeNull();
    expect(store.counters.size).toBe(0);
  });

  it('doubles lockouts after the threshold, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 9, 100].map((n) => lockoutSeconds(lockout, n))).toEqual([0, 0, 2, 4, 8, 16, 60, 60]);
  });

  it('builds the store rule from the lockout: the doubling schedule from the threshold up to the cap', () => {
    expect(attemptRule(lockout)).toEqual({ windowSeconds: 3600, blockFromAttempt: 3, blockSeconds: [2, 4, 8, 16, 32, 60] });
    expect(attemptRule({ ...lockout, baseSeconds: 60 }).blockSeconds).toEqual([60]);
  });

  it('locks one address out of an account after attempts, in any email form, and forgets them on success', async () => {
    const { clock, throttle } = policy();
    for (let i = 0; i < 3; i += 1) expect(await throttle.admitLoginAttempt(' Ada@Example.com', '10.0.0.1')).toBeNull();
    expect(await throttle.admitLoginAttempt('ADA@example.com', '10.0.0.1')).toEqual({ code: 'throttled', retryAfterSeconds: 2 });
    // Another address is not locked out by the first one's attempts.
    expect(await throttle.admitLoginAttempt('ada@example.com', '10.0.0.2')).toBeNull();
    clock.advance(2);
    expect(await throttle.admitLoginAttempt('ada@example.com', '10.0.0.1')).toBeNull();
    expect(await throttle.admitLoginAttempt('ada@example.com', '10.0.0.1')).toEqual({ code: 'throttled', retryAfterSeconds: 4 });

    await throttle.forgetLoginFailures('ada@example.com', '10.0.0.1');
    for (let i = 0; i < 3; i += 1) expect(await throttle.admitLoginAttempt('ada@example.com', '10.0.0.1')).toBeNull();
  });

  it('locks the account for every address after the account-wide attempts, counting only those each address was allowed', async () => {
    const { throttle } = policy({ accountLockout: { ...lockout, failuresBeforeLockout: 4 } });
    // Ten tries from one address: only its 3 admitted ones count towards the account's 4.
    for (let i = 0; i < 10; i += 1) await throttle.admitLoginAttempt('ada@example.com', '10.0.0.1');
    expect(await throttle.admitLoginAttempt('ada@example.com', '10.0.0.2')).toBeNull();
    expect(await throttle.admitLoginAttempt('ada@example.com', '10.0.0.3')).toEqual({ code: 'throttled', retryAfterSeconds: 2 });
  });

  it('never locks an account out for longer than the cap, however many attempts', async () => {
    const { clock, throttle } = policy();
    let refusal = null;
    for (let i = 0; i < 40; i += 1) {
      refusal = (await throttle.admitLoginAttempt('victim@example.com', '10.0.0.1')) ?? refusal;
      clock.advance(1);
    }
    expect(refusal?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refusal?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('does nothing with lockouts off', async () => {
    const { store, throttle } = policy({ lockout: null });
    for (let i = 0; i < 10; i += 1) expect(await throttle.admitLoginAttempt('ada@example.com', '10.0.0.1')).toBeNull();
    expect(store.counters.size).toBe(0);
  });
});
