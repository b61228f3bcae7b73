import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvent } from '@authsvc/contracts';
import { freePort } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  LAUNCH_TIMEOUT_MS,
  pnpmEnv,
  postmasterPid,
  processExists,
  runPnpm,
  startPnpm,
  stopPnpm,
  type PnpmProcess,
} from '../src/testing/index.js';
import { API_NODE_FLAGS } from '../src/node-flags.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

describe('pnpm authctl: only its own output on stdout', { timeout: LAUNCH_TIMEOUT_MS + 10_000 }, () => {
  let api: TestApi;
  const authctl = (...args: string[]) =>
    runPnpm(['authctl', ...args], pnpmEnv({ DATABASE_URL: api.app.database.url, LOG_LEVEL: 'silent' }));

  beforeAll(async () => {
    api = await startTestApi();
    expect((await api.request('POST', '/api/users/registration/', { body: johnDoe })).status).toBe(201);
    expect((await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: 'Password123' } })).status).toBe(200);
    await api.app.events!.flush();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('audit --json writes one event envelope a line, for jq, and nothing else', async () => {
    const result = await authctl('audit', '--json', johnDoe.email);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const events = lines.map((line) => parseEvent(line));
    expect(events.map((event) => (event.ok ? event.value.type : event.error.message))).toEqual(['user.registered', 'user.logged_in']);
    expect(result.stdout).toBe(`${lines.join('\n')}\n`);
  });

  it('says "no recorded events" on stderr, stdout empty, exit 0', async () => {
    const result = await authctl('audit', '--json', 'nobody@example.com');
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain('no recorded events for nobody@example.com');
  });

  it('reports errors on stderr with a non-zero exit and nothing on stdout', async () => {
    const unknown = await authctl('users', 'disable', 'nobody@example.com');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('no user with email nobody@example.com');
    const malformed = await authctl('audit', '--limit', '0', johnDoe.email);
    expect(malformed).toMatchObject({ code: 2, stdout: '' });
    expect(malformed.stderr).toMatch(/^usage: authctl/m);
  });
});

describe('pnpm start: says what it runs, and stops with its pnpm process', () => {
  let dataDir: string;
  let port: number;
  let service: PnpmProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'authsvc-start-'));
    port = await freePort();
    // No DATABASE_URL or KAFKA_BROKERS: the first start of a fresh checkout, embedded database and relay.
    service = startPnpm(['start'], pnpmEnv({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(port) }));
    await eventually(() => service.stdout().includes('authsvc listening'), 'the start log line', LAUNCH_TIMEOUT_MS, service);
  }, LAUNCH_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    service?.killLeftovers();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tells on stderr that it builds, then logs the URL, the database, the event mode and where emails go', () => {
    expect(service.stderr()).toMatch(/^building the service \(first run takes ~40 s\)\.\.\.$/m);
    const line = service
      .stdout()
      .split('\n')
      .find((text) => text.includes('authsvc listening'))!;
    const logged = JSON.parse(line) as Record<string, unknown>;
    expect(logged).toMatchObject({
      url: `http://127.0.0.1:${port}`,
      database: expect.stringContaining(`embedded PostgreSQL in ${dataDir}`),
      events: 'embedded: in-process relay to the audit log and token cleanup (no KAFKA_BROKERS)',
      mail: `.eml files in ${join(dataDir, 'mail')} (no SMTP_URL)`,
    });
    expect(line).not.toContain(':postgres@');
  });

  it('runs the API with its V8 flags', () => {
    const api = service.commandLines().find((args) => args.at(-1)?.endsWith('apps/api/dist/main.js'));
    expect(api?.slice(1, -1)).toEqual([...API_NODE_FLAGS]);
  });

  it('stops the API and its embedded PostgreSQL when the pnpm process gets SIGTERM', async () => {
    const postmaster = postmasterPid(dataDir);
    expect(processExists(postmaster)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    await stopPnpm(service, 'SIGTERM', postmaster);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(service.leftovers()).toEqual([]);
  }, 90_000);
});
