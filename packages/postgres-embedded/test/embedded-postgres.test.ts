import { spawn } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  connectOrStartEmbedded,
  type EmbeddedPostgres,
  EmbeddedPostgresRunningError,
  EmbeddedPostgresSetupError,
  freePort,
  loginOutcome,
  openDatabaseServer,
  startEmbeddedPostgres,
} from '../src/index.js';
import { EMBEDDED_CREDENTIALS_FILE } from '../src/embedded-credentials.js';
import { parsePostmasterPid } from '../src/postmaster-pid.js';

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

/** Listens on a loopback port, as another program holding it would; closed when the test ends. */
async function occupy(port = 0): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
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
      expect(first.url).toMatch(new RegExp(`^postgres://postgres:[^@]{20,}@127\\.0\\.0\\.1:${port}/authsvc$`));
      await query(first.url, "create table kept (note text); insert into kept values ('still here')");
    } finally {
      await first.stop();
    }
    expect(await exists(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
    try {
      expect(await query(second.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
      // UTF-8 with Unicode-aware lower(), whatever the machine's locales.
      expect(
        await query(
          second.url,
          "select lower('ÉMILE') as l, pg_encoding_to_char(encoding) as e from pg_database where datname = current_database()",
        ),
      ).toEqual([{ l: 'émile', e: 'UTF8' }]);
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

  it('refuses an explicitly given port that another program holds, naming the port', async () => {
    const taken = await occupy();
    const otherRoot = await mkdtemp(path.join(tmpdir(), 'authsvc-embedded-test-'));
    await chmod(otherRoot, 0o755);
    onTestFinished(() => rm(otherRoot, { recursive: true, force: true }));
    const attempt = startEmbeddedPostgres({ dataDir: path.join(otherRoot, 'data'), port: taken });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresSetupError);
    await expect(attempt).rejects.toMatchObject({ setting: 'port', message: expect.stringContaining(`port ${taken}`) });
  });

  it('locks the superuser down: a random password kept in a 0600 file, postgres/postgres refused', async () => {
    const server = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
    try {
      const credentials = path.join(dataDir, EMBEDDED_CREDENTIALS_FILE);
      expect((await stat(credentials)).mode & 0o777).toBe(0o600);
      const recorded = JSON.parse(await readFile(credentials, 'utf8')) as { password: string; port: number };
      expect(recorded.password).toMatch(/^[A-Za-z0-9_-]{32,}$/);
      expect(recorded.port).toBe(port);
      expect(new URL(server.url).password).toBe(recorded.password);
      expect(await loginOutcome(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`)).toBe('28P01');
      expect(await loginOutcome(server.url)).toBe('ok');

      // What the worker and the CLI do: open the database of the same DATA_DIR while it runs.
      const guest = await openDatabaseServer({ dataDir });
      try {
        expect(guest.url).toBe(server.url);
      } finally {
        await guest.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it('rotates the password of a data directory made by the old version (superuser password postgres)', async () => {
    const server = await startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' } });
    try {
      await query(server.url, "alter user postgres password 'postgres'");
    } finally {
      await server.stop();
    }
    await unlink(path.join(dataDir, EMBEDDED_CREDENTIALS_FILE));

    // The worker or CLI may be the first to start it: openDatabaseServer is what each of them calls.
    const reopened = await openDatabaseServer({ dataDir, embeddedPort: port });
    try {
      expect(new URL(reopened.url).password).not.toBe('postgres');
      expect(await loginOutcome(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`)).toBe('28P01');
      expect(await query(reopened.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await reopened.stop();
    }
  });

  it('picks a free port when none is set and the preferred one is taken, and keeps it across restarts', async () => {
    const preferred = await occupy();
    const auto = path.join(root, 'auto');
    const first = await startEmbeddedPostgres({ dataDir: auto, preferredPort: preferred, settings: { fsync: 'off' } });
    let picked: number;
    try {
      picked = first.port;
      expect(picked).not.toBe(preferred);
      expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      expect(JSON.parse(await readFile(path.join(auto, EMBEDDED_CREDENTIALS_FILE), 'utf8'))).toMatchObject({ port: picked });
    } finally {
      await first.stop();
    }
    const again = await startEmbeddedPostgres({ dataDir: auto, preferredPort: preferred, settings: { fsync: 'off' } });
    try {
      expect(again.port).toBe(picked);
    } finally {
      await again.stop();
    }
  });

  it('names DATA_DIR when the data directory cannot be created', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'not a folder');
    const attempt = startEmbeddedPostgres({ dataDir: path.join(file, 'data'), port });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresSetupError);
    await expect(attempt).rejects.toMatchObject({ setting: 'dataDir' });
  });

  it('names DATA_DIR when initdb fails (a folder with other files in it)', async () => {
    const cluttered = path.join(root, 'cluttered');
    await mkdir(cluttered);
    await writeFile(path.join(cluttered, 'notes.txt'), 'mine');
    const attempt = startEmbeddedPostgres({ dataDir: cluttered, port });
    await expect(attempt).rejects.toThrow(/initdb failed.*not empty/);
    await expect(attempt).rejects.toMatchObject({ setting: 'dataDir' });
  });
});
