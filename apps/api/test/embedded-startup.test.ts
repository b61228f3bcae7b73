import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loginOutcome } from '@authsvc/postgres-embedded';
import { freePort } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runAuthctl } from '../src/authctl.js';
import { MAIN, post, startChildApi, type ChildApi } from './child-api.js';
import { johnDoe } from './support.js';

const isRoot = process.getuid?.() === 0;

/** The environment of a built API on the embedded database: no DATABASE_URL (empty counts as unset). */
const embeddedEnv = (dataDir: string, env: Record<string, string> = {}) => ({ DATABASE_URL: '', DATA_DIR: dataDir, ...env });

/** Runs the built API until it exits (it must fail to start), bounded in time; returns its code and stderr. */
async function runUntilExit(
  env: Record<string, string>,
  options: { cwd: string; uid?: number; gid?: number },
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, SCRYPT_LOG_N: '10', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  // A test that times out still stops it (SIGTERM: a primary then stops its workers and database).
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stderr };
}

/** One line naming `variable`, and no stack trace. */
function expectOneLineNaming(result: { code: number | null; stderr: string }, variable: string): void {
  expect(result.code, result.stderr).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(variable);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

/** Listens on a loopback port, as another program holding it would; closed when the test ends. */
async function occupy(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** SIGTERMs a child API and waits for it to exit. */
async function stopApi(api: ChildApi): Promise<void> {
  api.child.kill('SIGTERM');
  await api.exited;
}

/** The outcome of a login as postgres/postgres on `port`: 28P01 once the superuser is locked down. */
const defaultPasswordLogin = (port: number) => loginOutcome(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);

/** What the embedded database recorded in DATA_DIR. */
const recorded = async (dataDir: string) =>
  JSON.parse(await readFile(path.join(dataDir, 'authsvc-embedded.json'), 'utf8')) as { port: number; password: string };

describe('starting the built API on the embedded PostgreSQL', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'authsvc-startup-'));
    await chmod(root, 0o755);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names PORT, in one line and without a stack, when the HTTP port is taken', async () => {
    const taken = await occupy();
    const result = await runUntilExit(embeddedEnv(path.join(root, 'port-taken'), { PORT: String(taken) }), { cwd: root });
    expectOneLineNaming(result, 'PORT');
    expect(result.stderr).not.toContain('EMBEDDED_PG_PORT');
  });

  it('names PORT once and stops when the HTTP port is taken under WEB_CONCURRENCY, instead of restarting workers', async () => {
    const taken = await occupy();
    const result = await runUntilExit(embeddedEnv(path.join(root, 'cluster-port-taken'), { PORT: String(taken), WEB_CONCURRENCY: '2' }), {
      cwd: root,
    });
    expectOneLineNaming(result, 'PORT');
    expect(result.stderr).not.toContain('starting another');
  }, 60_000);

  it('names EMBEDDED_PG_PORT when it is set and another program holds it', async () => {
    const taken = await occupy();
    const result = await runUntilExit(
      embeddedEnv(path.join(root, 'pg-port-taken'), { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(taken) }),
      {
        cwd: root,
      },
    );
    expectOneLineNaming(result, 'EMBEDDED_PG_PORT');
  });

  it('names DATA_DIR when this user cannot write it', async () => {
    // Root writes anywhere, so run as nobody in a folder owned by root; anyone else gets a read-only folder.
    const readOnly = await mkdtemp(path.join(root, 'read-only-'));
    await chmod(readOnly, isRoot ? 0o755 : 0o555);
    const result = await runUntilExit(embeddedEnv(path.join(readOnly, '.data'), { PORT: String(await freePort()) }), {
      cwd: readOnly,
      ...(isRoot ? { uid: 65_534, gid: 65_534 } : {}),
    });
    expectOneLineNaming(result, 'DATA_DIR');
  });

  it('names DATA_DIR when initdb fails, as in a folder that holds other files', async () => {
    const cluttered = await mkdtemp(path.join(root, 'cluttered-'));
    await writeFile(path.join(cluttered, 'notes.txt'), 'mine');
    const result = await runUntilExit(embeddedEnv(cluttered, { PORT: String(await freePort()) }), { cwd: root });
    expectOneLineNaming(result, 'DATA_DIR');
    expect(result.stderr).toContain('initdb failed');
  });

  it('runs two instances with different DATA_DIRs side by side with no port setting, locked down, and the CLI finds each', async () => {
    const dirs = [path.join(root, 'first'), path.join(root, 'second')];
    const apis: ChildApi[] = [];
    onTestFinished(() => Promise.all(apis.map(stopApi)).then(() => undefined));
    for (const dataDir of dirs) apis.push(await startChildApi('', embeddedEnv(dataDir)));
    const ports = await Promise.all(dirs.map(async (dir) => (await recorded(dir)).port));
    expect(new Set(ports).size).toBe(2);

    for (const [i, api] of apis.entries()) {
      const email = `side.${i}@example.com`;
      expect((await post(api.baseUrl, '/api/users/registration/', { ...johnDoe, email })).status).toBe(201);
      expect(await defaultPasswordLogin(ports[i]!)).toBe('28P01');
      const out: string[] = [];
      const err: string[] = [];
      expect(
        await runAuthctl(
          ['users', 'disable', email],
          { out: (line) => out.push(line), err: (line) => err.push(line) },
          { DATA_DIR: dirs[i] },
        ),
      ).toBe(0);
      expect(err).toEqual([]);
      expect(out.join('\n')).toContain(`${email} (id 1) disabled`);
    }
  });

  it.runIf(isRoot)('starts as root with DATA_DIR inside a 0700 folder, where the postgres user cannot go', async () => {
    const privateRoot = await mkdtemp(path.join(root, 'private-'));
    await chmod(privateRoot, 0o700);
    const dataDir = path.join(privateRoot, 'clone', '.data');
    const api = await startChildApi('', embeddedEnv(dataDir));
    onTestFinished(async () => {
      await stopApi(api);
      // The cluster lives where the postgres user can reach it; DATA_DIR links to it.
      await rm(await realpath(dataDir), { recursive: true, force: true });
    });
    expect((await post(api.baseUrl, '/api/users/registration/', johnDoe)).status).toBe(201);
    expect(await defaultPasswordLogin((await recorded(dataDir)).port)).toBe('28P01');
  });
});
