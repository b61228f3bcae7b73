import type { AuthEndpoints } from '@authsvc/api-router';
import type { DeadlineSignal } from '@authsvc/runtime';
import { describe, expect, it } from 'vitest';
import { endpointsUnderDeadline, type DeadlineBoundEndpoints } from '../src/http/request-endpoints.js';

/** Sets of endpoints that record the deadline set on them each time a request's work reads it. */
function recordingBinder() {
  const built: DeadlineBoundEndpoints[] = [];
  const bind = (): DeadlineBoundEndpoints => {
    const bound: DeadlineBoundEndpoints = { endpoints: {} as AuthEndpoints, view: { deadline: undefined } };
    built.push(bound);
    return bound;
  };
  return { built, bind };
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('endpointsUnderDeadline', () => {
  it('runs each request on a set under its own deadline, and reuses a set once its work has settled', async () => {
    const { built, bind } = recordingBinder();
    const pool = endpointsUnderDeadline(bind);
    const first = new AbortController().signal;
    const second = new AbortController().signal;
    const seen: Array<DeadlineSignal | undefined> = [];
    const firstDone = deferred();
    const a = pool.run(first, async (endpoints) => {
      await firstDone.promise;
      seen.push(built.find((b) => b.endpoints === endpoints)!.view.deadline);
    });
    // While the first request's work is in flight, the second gets another set.
    await pool.run(second, async (endpoints) => {
      seen.push(built.find((b) => b.endpoints === endpoints)!.view.deadline);
    });
    firstDone.resolve();
    await a;
    expect(seen).toEqual([second, first]);
    expect(built).toHaveLength(2);
    // Settled, a set keeps no deadline, and the next request reuses one rather than binding anew.
    expect(built.map((b) => b.view.deadline)).toEqual([undefined, undefined]);
    await pool.run(first, async () => {});
    expect(built).toHaveLength(2);
  });

  it('takes a set back only when the work settles, failed or not', async () => {
    const { built, bind } = recordingBinder();
    const pool = endpointsUnderDeadline(bind);
    const failure = new Error('boom');
    await expect(pool.run(new AbortController().signal, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(built[0]!.view.deadline).toBeUndefined();
    await pool.run(new AbortController().signal, async () => {});
    expect(built).toHaveLength(1);
  });

  it('settles once no work is in flight, failed work included', async () => {
    const pool = endpointsUnderDeadline(recordingBinder().bind);
    await pool.settled();
    const slow = deferred();
    const failing = deferred();
    const work = [
      pool.run(new AbortController().signal, () => slow.promise),
      pool.run(new AbortController().signal, async () => {
        await failing.promise;
        throw new Error('refused');
      }),
    ];
    let settled = false;
    const waiting = pool.settled().then(() => (settled = true));
    slow.resolve();
    await work[0];
    await Promise.resolve();
    expect(settled).toBe(false);
    failing.resolve();
    await expect(work[1]).rejects.toThrow('refused');
    await waiting;
    expect(settled).toBe(true);
  });

  it('settles also once the calls on a set it bound have settled, awaited or not', async () => {
    const slow = deferred();
    const pool = endpointsUnderDeadline(() => ({
      endpoints: { me: () => slow.promise } as unknown as AuthEndpoints,
      view: { deadline: undefined },
    }));
    const call = (pool.bind(new AbortController().signal) as unknown as { me(): Promise<void> }).me();
    let settled = false;
    const waiting = pool.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    slow.resolve();
    await call;
    await waiting;
    expect(settled).toBe(true);
  });

  it('binds a set of its own for work it cannot await, under the deadline given, and calls through to it', async () => {
    const { built, bind } = recordingBinder();
    const deadline = new AbortController().signal;
    const endpoints = endpointsUnderDeadline(() => {
      const bound = bind();
      return { ...bound, endpoints: { me: async (who: string) => `me: ${who}` } as unknown as AuthEndpoints };
    }).bind(deadline) as unknown as { me(who: string): Promise<string> };
    expect(built).toHaveLength(1);
    expect(built[0]!.view.deadline).toBe(deadline);
    expect(await endpoints.me('john')).toBe('me: john');
  });
});
