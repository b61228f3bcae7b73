import { spawn } from 'node:child_process';
import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  connectOrStartEmbedded,
  type EmbeddedPostgres,
  EmbeddedPostgresRunningError,
  startEmbeddedPostgres,
} from '../src/index.js';
import { parsePostmasterPid } from '../src/postmaster-pid.js';
import { freePort } from '../src/testing/index.js';

async function query<R>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as R[];
  } finally {
    await client.end();
  }
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The pid of a process that has exited: what a crashed server leaves in its lock file. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** Rewrites the pid on the first line of `postmaster.pid`, keeping the rest. */
async function forgeLockFile(dataDir: string, pid: number): Promise<void> {
  const file = path.join(dataDir, 'postmaster.pid');
  const lines = (await readFile(file, 'utf8')).split('\n');
  lines[0] = String(pid);
  await writeFile(file, lines.join('\n'));
}

describe('embedded PostgreSQL', () => {
  let root: string;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'authsvc-embedded-test-'));
    // As root the server runs as `postgres`, which must reach the data directory.
    await chmod(root, 0o755);
    dataDir = path.join(root, 'data');
    port = await freePort();
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('initialises the cluster on first start and keeps its data across a restart', async () => {
    const first = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
    try {
      expect(first.url).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/authsvc`);
      await query(first.url, 'create table kept (note text); insert into kept values (\'still here\')');
    } finally {
      await first.stop();
    }
    expect(await exists(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
    try {
      expect(await query(second.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
      // UTF-8 with Unicode-aware lower(), whatever the machine's locales.
      expect(await query(second.url, "select lower('ÉMILE') as l, pg_encoding_to_char(encoding) as e from pg_database where datname = current_database()")).toEqual([
        { l: 'émile', e: 'UTF8' },
      ]);
    } finally {
      await second.stop();
    }
  });

  it('refuses a second server on a running data directory, and lets a second process connect instead', async () => {
    const owner = await connectOrStartEmbedded({ dataDir, port });
    try {
      expect(owner.ownsServer).toBe(true);
      await expect(startEmbeddedPostgres({ dataDir, port })).rejects.toBeInstanceOf(EmbeddedPostgresRunningError);

      // A CLI asking for another port still finds the running server through its lock file.
      const guest = await connectOrStartEmbedded({ dataDir, port: port + 1 });
      expect(guest.ownsServer).toBe(false);
      expect(guest.url).toBe(owner.url);
      await guest.stop();
      expect(await query(owner.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await owner.stop();
    }
  });

  it('creates a missing application database on a reused cluster', async () => {
    const server = await connectOrStartEmbedded({ dataDir, port, database: 'another_app' });
    try {
      expect(server.url).toMatch(/\/another_app$/);
      expect(await query(server.url, 'select current_database() as d')).toEqual([{ d: 'another_app' }]);
    } finally {
      await server.stop();
    }
  });

  it('starts over a stale postmaster.pid, whether its pid is dead or reused by another process', async () => {
    // Not this process's pid: PostgreSQL itself ignores its parent's pid in a lock file.
    const unrelated = spawn('sleep', ['30']);
    onTestFinished(() => {
      unrelated.kill();
    });
    for (const stalePid of [await deadPid(), unrelated.pid!]) {
      // A server killed without a chance to clean up leaves its lock file behind.
      let server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir, port });
      const lockFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
      expect(parsePostmasterPid(lockFile)).toMatchObject({ port, status: 'ready' });
      await server.stop();
      await writeFile(path.join(dataDir, 'postmaster.pid'), lockFile);
      await forgeLockFile(dataDir, stalePid);

      const restarted = await connectOrStartEmbedded({ dataDir, port });
      server = restarted;
      try {
        expect(restarted.ownsServer).toBe(true);
        expect(await query(restarted.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
      } finally {
        await server.stop();
      }
    }
  });

  it('lets simultaneous starters of a fresh data directory take turns: one owns it, the other connects', async () => {
    const fresh = path.join(root, 'fresh');
    const freshPort = await freePort();
    const [a, b] = await Promise.all([
      connectOrStartEmbedded({ dataDir: fresh, port: freshPort, settings: { fsync: 'off' } }),
      connectOrStartEmbedded({ dataDir: fresh, port: freshPort, settings: { fsync: 'off' } }),
    ]);
    try {
      expect([a.ownsServer, b.ownsServer].sort()).toEqual([false, true]);
      expect(a.url).toBe(b.url);
      expect(await query(b.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      expect(await exists(path.join(root, '.fresh.start-lock'))).toBe(false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('explains a failed start with the server log', async () => {
    const blocker = await startEmbeddedPostgres({ dataDir, port });
    const otherRoot = await mkdtemp(path.join(tmpdir(), 'authsvc-embedded-test-'));
    await chmod(otherRoot, 0o755);
    try {
      // Same port, other cluster: the second server cannot bind.
      await expect(startEmbeddedPostgres({ dataDir: path.join(otherRoot, 'data'), port })).rejects.toThrow(
        /failed to start[\s\S]*(address already in use|could not create any TCP\/IP sockets)/i,
      );
    } finally {
      await blocker.stop();
      await rm(otherRoot, { recursive: true, force: true });
    }
  });
});
