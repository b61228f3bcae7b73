import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A new cgroup v1 `cpu` group with cpu.idle set, where this user may make one (root here); else undefined. */
function idleCgroup(): string | undefined {
  const dir = `/sys/fs/cgroup/cpu/authsvc-test-${process.pid}`;
  try {
    mkdirSync(dir);
  } catch {
    return undefined;
  }
  writeFileSync(join(dir, 'cpu.idle'), '1');
  return dir;
}

describe('cluster workers under WEB_CONCURRENCY', () => {
  let primary: number;
  let baseUrl: string;
  let workers: number[] = [];
  const cgroup = idleCgroup();
  beforeAll(async () => {
    // Started without the API's V8 flags, as `node dist/main.js` is: the primary adds them.
    api = await startChildApi(database.url, {
      WEB_CONCURRENCY: '2',
      UV_THREADPOOL_SIZE: String(POOL_SIZE),
      THREADPOOL_NICENESS: String(NICENESS),
      // Dear enough that the hashing shows in the threads' CPU time.
      SCRYPT_LOG_N: '14',
      ...(cgroup && { HASHING_CGROUP: cgroup }),
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

  it.skipIf(!cgroup)('have their libuv pool, and no other thread, moved into HASHING_CGROUP', () => {
    const normal = getPriority(primary);
    const pool = workers.flatMap((pid) =>
      threads(pid)
        .filter((t) => t.nice !== normal)
        .map((t) => t.tid),
    );
    expect(pool).toHaveLength(2 * POOL_SIZE);
    const members = readFileSync(join(cgroup!, 'tasks'), 'utf8').split('\n').filter(Boolean).map(Number);
    expect(members.sort()).toEqual(pool.sort());
  });

  afterAll(async () => {
    if (!cgroup) return;
    // A cgroup goes only once its threads have: stop this file's API, workers first, as SIGTERM does.
    if (api && api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGTERM');
    await api?.exited;
    rmdirSync(cgroup);
  });
});

describe('HASHING_CGROUP', () => {
  /** The error startChildApi gives for a service that stops at start with `env`; one that starts is stopped, workers first. */
  function startFails(env: Record<string, string>): Promise<void> {
    const started = startChildApi(database.url, env);
    started.then(
      (child) => child.child.kill('SIGTERM'),
      () => undefined,
    );
    return started.then(() => undefined);
  }

  it('stops the service with the fix named when it is no cgroup', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'authsvc-not-a-cgroup-'));
    try {
      await expect(startFails({ WEB_CONCURRENCY: '2', HASHING_CGROUP: folder })).rejects.toThrow(
        `HASHING_CGROUP: ${folder} is not a cgroup (it has no cgroup.threads or tasks); set it to one, or unset it`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('stops the service with the fix named on one process, where nothing would move the threads', async () => {
    await expect(startFails({ WEB_CONCURRENCY: '1', HASHING_CGROUP: '/sys/fs/cgroup' })).rejects.toThrow(
      'HASHING_CGROUP: takes effect with WEB_CONCURRENCY of 2 or more; raise WEB_CONCURRENCY, or unset HASHING_CGROUP',
    );
  });
});
