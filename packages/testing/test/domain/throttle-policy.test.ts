import { createThrottlePolicy, lockoutSeconds, type ThrottleSettings } from '@authsvc/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryThrottleStore, ManualClock } from '../../src/index.js';

const lockout = { failuresBeforeLockout: 3, baseSeconds: 2, maxSeconds: 60, failureWindowSeconds: 3600 };

function policy(settings: Partial<ThrottleSettings> = {}) {
  const store = new InMemoryThrottleStore();
  const clock = new ManualClock();
  const throttle = createThrottlePolicy(
    { store, clock },
    { loginRate: { requests: 3, windowSeconds: 60 }, registrationRate: null, lockout, ...settings },
  );
  return { store, clock, throttle };
}

describe('throttle policy', () => {
  it('admits a client up to the rate, then says when the window reopens', async () => {
    const { clock, throttle } = policy();
    for (let i = 0; i < 3; i += 1) expect(await throttle.admitClient('login', '10.0.0.1')).toEqual({ allowed: true });
    clock.advance(20.5);
    expect(await throttle.admitClient('login', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(await throttle.admitClient('login', '10.0.0.2')).toEqual({ allowed: true });
    clock.advance(40);
    expect(await throttle.admitClient('login', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('leaves an action with no rate unthrottled and uncounted', async () => {
    const { store, throttle } = policy();
    for (let i = 0; i < 10; i += 1) expect(await throttle.admitClient('registration', '10.0.0.1')).toEqual({ allowed: true });
    expect(store.counters.size).toBe(0);
  });

  it('doubles lockouts after the threshold, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 9, 100].map((n) => lockoutSeconds(lockout, n))).toEqual([0, 0, 2, 4, 8, 16, 60, 60]);
  });

  it('locks an account out after failures, in any email case, and forgets them on success', async () => {
    const { clock, throttle } = policy();
    for (let i = 0; i < 2; i += 1) await throttle.recordLoginFailure('Ada@Example.com');
    const gate = await throttle.checkAccount('ada@example.com');
    expect(gate).toEqual({ allowed: true, hasFailures: true });

    await throttle.recordLoginFailure('ADA@example.com');
    expect(await throttle.checkAccount('ada@example.com')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    clock.advance(2);
    expect((await throttle.checkAccount('ada@example.com')).allowed).toBe(true);
    await throttle.recordLoginFailure('ada@example.com');
    expect(await throttle.checkAccount('ada@example.com')).toEqual({ allowed: false, retryAfterSeconds: 4 });

    clock.advance(4);
    await throttle.recordLoginSuccess('ada@example.com', await throttle.checkAccount('ada@example.com'));
    expect(await throttle.checkAccount('ada@example.com')).toEqual({ allowed: true, hasFailures: false });
  });

  it('never locks an account out for longer than the cap, however many failures', async () => {
    const { clock, throttle } = policy();
    for (let i = 0; i < 40; i += 1) {
      await throttle.recordLoginFailure('victim@example.com');
      clock.advance(1);
    }
    const gate = await throttle.checkAccount('victim@example.com');
    expect(gate.allowed).toBe(false);
    if (!gate.allowed) expect(gate.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('does nothing with lockout off', async () => {
    const { store, throttle } = policy({ lockout: null });
    for (let i = 0; i < 10; i += 1) await throttle.recordLoginFailure('ada@example.com');
    expect(await throttle.checkAccount('ada@example.com')).toEqual({ allowed: true });
    expect(store.counters.size).toBe(0);
  });
});
