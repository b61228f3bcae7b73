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
      expect(await store.hit('login:client', '10.0.0.1', 60, t0)).toEqual({ hits: 1, windowEndsAt: after(60), blockedUntil: null });
      expect(await store.hit('login:client', '10.0.0.1', 60, after(30))).toEqual({ hits: 2, windowEndsAt: after(60), blockedUntil: null });
      expect((await store.hit('login:client', '10.0.0.1', 60, after(59.999))).hits).toBe(3);
    });

    it('starts a new window once the last one has ended', async () => {
      await store.hit('s', 'k', 60, t0);
      await store.hit('s', 'k', 60, after(1));
      expect(await store.hit('s', 'k', 60, after(60))).toEqual({ hits: 1, windowEndsAt: after(120), blockedUntil: null });
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

    it('reads a live counter without counting, and null for none or an expired one', async () => {
      expect(await store.read('s', 'k', t0)).toBeNull();
      await store.hit('s', 'k', 60, t0);
      expect(await store.read('s', 'k', after(10))).toEqual({ hits: 1, windowEndsAt: after(60), blockedUntil: null });
      expect((await store.read('s', 'k', after(10)))?.hits).toBe(1);
      expect(await store.read('s', 'k', after(60))).toBeNull();
    });

    it('blocks a key until a time, never shortening a longer block, and the block outlives its window', async () => {
      await store.hit('s', 'k', 60, t0);
      await store.block('s', 'k', after(300));
      await store.block('s', 'k', after(100));
      expect((await store.read('s', 'k', after(10)))?.blockedUntil).toEqual(after(300));
      expect(await store.read('s', 'k', after(200))).toMatchObject({ blockedUntil: after(300) });
      expect(await store.hit('s', 'k', 60, after(200))).toEqual({ hits: 1, windowEndsAt: after(260), blockedUntil: after(300) });
      expect(await store.read('s', 'k', after(300))).toBeNull();
    });

    it('blocks a key it has not counted yet', async () => {
      await store.block('s', 'new', after(30));
      expect((await store.read('s', 'new', t0))?.blockedUntil).toEqual(after(30));
    });

    it('forgets a cleared key', async () => {
      await store.hit('s', 'k', 60, t0);
      await store.block('s', 'k', after(300));
      await store.clear('s', 'k');
      expect(await store.read('s', 'k', t0)).toBeNull();
      expect((await store.hit('s', 'k', 60, t0)).hits).toBe(1);
    });

    it('purges only counters with nothing left to say, up to a limit', async () => {
      await store.hit('s', 'old1', 60, t0);
      await store.hit('s', 'old2', 60, t0);
      await store.hit('s', 'old3', 60, t0);
      await store.hit('s', 'live', 600, t0);
      await store.hit('s', 'blocked', 60, t0);
      await store.block('s', 'blocked', after(600));
      expect(await store.purgeExpired(after(120), 2)).toBe(2);
      expect(await store.purgeExpired(after(120), 10)).toBe(1);
      expect(await store.read('s', 'live', after(120))).not.toBeNull();
      expect(await store.read('s', 'blocked', after(120))).not.toBeNull();
    });
  });
}
