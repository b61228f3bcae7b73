import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { openDatabase, type OpenDatabase } from '@authsvc/adapter-postgres';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_NODE_FLAGS } from '../src/node-flags.js';
import { type ChildApi, post, startChildApi } from './child-api.js';
import { johnDoe } from './support.js';

let database: OpenDatabase;
let api: ChildApi | undefined;
beforeAll(async () => {
  database = await openDatabase(await createTestDatabase(), TEST_POOL);
});
afterAll(async () => {
  // Only the process this file started.
  if (api && api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
  await database?.close();
});

interface Thread {
  readonly tid: number;
  readonly name: string;
  readonly nice: number;
  /** User and system CPU time in clock ticks. */
  readonly cpu: number;
}

/** A process's threads as /proc tells them. */
function threads(pid: number): Thread[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    // Fields after the command's closing parenthesis start at field 3 (state).
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return {
      tid: Number(tid),
      name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(),
      nice: Number(fields[16]),
      cpu: Number(fields[11]) + Number(fields[12]),
    };
  });
}

const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

const POOL_SIZE = 3;
const NICENESS = 7;

describe('cluster workers under WEB_CONCURRENCY', () => {
  let primary: number;
  let baseUrl: string;
  let workers: number[] = [];
  beforeAll(async () => {
    // Started without the API's V8 flags, as `node dist/main.js` is: the primary adds them.
    api = await startChildApi(database.url, {
      WEB_CONCURRENCY: '2',
      UV_THREADPOOL_SIZE: String(POOL_SIZE),
      THREADPOOL_NICENESS: String(NICENESS),
      // Dear enough that the hashing shows in the threads' CPU time.
      SCRYPT_LOG_N: '14',
    });
    primary = api.child.pid!;
    baseUrl = api.baseUrl;
    // The second worker forks once the first listens.
    for (let i = 0; i < 100 && workers.length < 2; i++) {
      workers = childrenOf(primary);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);

  it('run with the API’s V8 flags', () => {
    expect(readFileSync(`/proc/${primary}/cmdline`, 'utf8').split('\0')).not.toContain(API_NODE_FLAGS[0]);
    expect(workers).toHaveLength(2);
    for (const pid of workers) {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([...API_NODE_FLAGS]));
    }
  });

  it(
    'have the priority of their libuv pool, where scrypt runs, lowered by THREADPOOL_NICENESS, and of no other thread',
    { timeout: 90_000 },
    async () => {
      expect(workers).toHaveLength(2);
      const normal = getPriority(primary);
      const before = new Map(workers.map((pid) => [pid, threads(pid)]));

      for (let i = 0; i < 8; i++) {
        const registration = await post(baseUrl, '/api/users/registration/', {
          ...johnDoe,
          email: `pool-${i}@example.com`,
          password1: 'Plenty-of-entropy-92',
          password2: 'Plenty-of-entropy-92',
        });
        expect(registration.status).toBe(201);
      }

      let hashingTicks = 0;
      for (const pid of workers) {
        const now = threads(pid);
        const niced = now.filter((t) => t.nice !== normal);
        expect(niced.map((t) => t.nice)).toEqual(Array<number>(POOL_SIZE).fill(Math.min(19, normal + NICENESS)));
        expect(now.find((t) => t.tid === pid)?.nice).toBe(normal);
        // Node 22+ names the pool's threads; where it does, they are the ones niced.
        const named = now.filter((t) => t.name === 'libuv-worker');
        if (named.length > 0) expect(named.map((t) => t.tid).sort()).toEqual(niced.map((t) => t.tid).sort());
        const earlier = new Map(before.get(pid)!.map((t) => [t.tid, t.cpu]));
        for (const t of niced) hashingTicks += t.cpu - (earlier.get(t.tid) ?? 0);
      }
      // Eight scrypt hashes at N = 2^14 take some 400 ms of CPU; ticks are 10 ms.
      expect(hashingTicks).toBeGreaterThanOrEqual(10);
    },
  );
});
