import type { ThrottleStore } from '@authsvc/domain';
import { beforeEach, describe, expect, it } from 'vitest';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

/**
 * The behaviour every `ThrottleStore` must have, run against the in-memory fake and against the
 * PostgreSQL adapter. `setup` is called before each test and must return an empty store.
 */
export function describeThrottleStoreContract(name: string, setup: () => Promise<ThrottleStore>): void {
  describe(`throttle store contract: ${name}`, () => {
    let store: ThrottleStore;
    beforeEach(async () => {
      store = await setup();
    });

    it('counts hits in a fixed window that opens at the first hit', async () => {
      expect(await store.hit('login:client', '10.0.0.1', 60, t0)).toEqual({ hits: 1, windowEndsAt: after(60) });
      expect(await store.hit('login:client', '10.0.0.1', 60, after(30))).toEqual({ hits: 2, windowEndsAt: after(60) });
      expect((await store.hit('login:client', '10.0.0.1', 60, after(59.999))).hits).toBe(3);
    });

    it('starts a new window once the last one has ended', async () => {
      await store.hit('s', 'k', 60, t0);
      await store.hit('s', 'k', 60, after(1));
      expect(await store.hit('s', 'k', 60, after(60))).toEqual({ hits: 1, windowEndsAt: after(120) });
    });

    it('keeps scopes and keys apart', async () => {
      await store.hit('login:client', 'a', 60, t0);
      expect((await store.hit('registration:client', 'a', 60, t0)).hits).toBe(1);
      expect((await store.hit('login:client', 'b', 60, t0)).hits).toBe(1);
      expect((await store.hit('login:client', 'a', 60, t0)).hits).toBe(2);
    });

    it('counts every one of many concurrent hits exactly once', async () => {
      const counts = await Promise.all(Array.from({ length: 25 }, () => store.hit('s', 'k', 60, t0)));
      expect(counts.map((c) => c.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    const rule = { windowSeconds: 3600, blockFromAttempt: 3, blockSeconds: [2, 4, 8] };

    it('admits attempts freely up to the rule, then each admitted one blocks the key by the schedule', async () => {
      expect(await store.attempt('a', 'k', rule, t0)).toEqual({ admitted: true, attempts: 1 });
      expect(await store.attempt('a', 'k', rule, t0)).toEqual({ admitted: true, attempts: 2 });
      expect(await store.attempt('a', 'k', rule, t0)).toEqual({ admitted: true, attempts: 3 });
      expect(await store.attempt('a', 'k', rule, after(1))).toEqual({ admitted: false, blockedUntil: after(2) });
      expect(await store.attempt('a', 'k', rule, after(2))).toEqual({ admitted: true, attempts: 4 });
      expect(await store.attempt('a', 'k', rule, after(5.9))).toEqual({ admitted: false, blockedUntil: after(6) });
      expect(await store.attempt('a', 'k', rule, after(6))).toEqual({ admitted: true, attempts: 5 });
      expect(await store.attempt('a', 'k', rule, after(14))).toEqual({ admitted: true, attempts: 6 });
      // The schedule's last length repeats.
      expect(await store.attempt('a', 'k', rule, after(21))).toEqual({ admitted: false, blockedUntil: after(22) });
    });

    it('admits exactly the free attempts of many concurrent ones, counting none it refuses', async () => {
      const outcomes = await Promise.all(Array.from({ length: 40 }, () => store.attempt('a', 'k', rule, t0)));
      expect(outcomes.filter((o) => o.admitted)).toHaveLength(3);
      expect(outcomes.filter((o) => !o.admitted)).toEqual(Array.from({ length: 37 }, () => ({ admitted: false, blockedUntil: after(2) })));
      expect(await store.attempt('a', 'k', rule, after(2))).toEqual({ admitted: true, attempts: 4 });
    });

    it('forgets attempts once their window ends, but a block outlives its window', async () => {
      const short = { windowSeconds: 10, blockFromAttempt: 2, blockSeconds: [60] };
      await store.attempt('a', 'k', short, t0);
      expect(await store.attempt('a', 'k', short, after(11))).toEqual({ admitted: true, attempts: 1 });
      expect(await store.attempt('a', 'k', short, after(12))).toEqual({ admitted: true, attempts: 2 });
      expect(await store.attempt('a', 'k', short, after(30))).toEqual({ admitted: false, blockedUntil: after(72) });
      expect(await store.attempt('a', 'k', short, after(72))).toEqual({ admitted: true, attempts: 1 });
    });

    it('keeps attempt keys apart from each other and from hit counters', async () => {
      await store.attempt('a', 'k', { ...rule, blockFromAttempt: 1 }, t0);
      expect(await store.attempt('a', 'other', rule, t0)).toEqual({ admitted: true, attempts: 1 });
      expect(await store.attempt('b', 'k', rule, t0)).toEqual({ admitted: true, attempts: 1 });
    });

    it('forgets the cleared keys, blocks included, and no other', async () => {
      for (let i = 0; i < 3; i += 1) await store.attempt('a', 'k', rule, t0);
      await store.hit('s', 'k', 60, t0);
      await store.hit('s', 'kept', 60, t0);
      await store.clear([
        { scope: 'a', key: 'k' },
        { scope: 's', key: 'k' },
      ]);
      expect(await store.attempt('a', 'k', rule, t0)).toEqual({ admitted: true, attempts: 1 });
      expect((await store.hit('s', 'k', 60, t0)).hits).toBe(1);
      expect((await store.hit('s', 'kept', 60, t0)).hits).toBe(2);
      await store.clear([]);
      expect((await store.hit('s', 'kept', 60, t0)).hits).toBe(3);
    });

    it('purges only counters with nothing left to say, up to a limit', async () => {
      await store.hit('s', 'old1', 60, t0);
      await store.hit('s', 'old2', 60, t0);
      await store.hit('s', 'old3', 60, t0);
      await store.hit('s', 'live', 600, t0);
      await store.attempt('s', 'blocked', { windowSeconds: 60, blockFromAttempt: 1, blockSeconds: [600] }, t0);
      expect(await store.purgeExpired(after(120), 2)).toBe(2);
      expect(await store.purgeExpired(after(120), 10)).toBe(1);
      expect(await store.purgeExpired(after(120), 10)).toBe(0);
      expect((await store.hit('s', 'live', 600, after(120))).hits).toBe(2);
      expect(await store.attempt('s', 'blocked', { windowSeconds: 60, blockFromAttempt: 1, blockSeconds: [600] }, after(120))).toEqual({
        admitted: false,
        blockedUntil: after(600),
      });
    });
  });
}
