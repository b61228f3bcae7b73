import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { openDatabase, type OpenDatabase } from '@authsvc/adapter-postgres';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildApi, type Outcome, post, startChildApi } from './child-api.js';
import { inconsistencies } from './consistency.js';
import { johnDoe } from './support.js';

let database: OpenDatabase;
const children: ChildApi[] = [];
beforeAll(async () => {
  database = await openDatabase(await createTestDatabase(), TEST_POOL);
});
afterAll(async () => {
  // Only processes this file started.
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.close();
});

async function start(env: Record<string, string> = {}): Promise<ChildApi> {
  const api = await startChildApi(database.url, env);
  children.push(api);
  return api;
}

/** Sends a JSON POST on a connection of its own and closes it after `ms`, reading no answer. */
function postAndHangUp(baseUrl: string, path: string, body: unknown, ms: number): Promise<void> {
  const json = JSON.stringify(body);
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
      );
      setTimeout(() => socket.destroy(), ms);
    });
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
}

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

describe('the API killed with SIGKILL during a burst of registrations and logins', () => {
  it('loses nothing that was acknowledged and leaves no half-written user or token', { timeout: 90_000 }, async () => {
    let api = await start();
    const registered: { email: string; id: number }[] = [];
    const loggedIn: { email: string; key: string }[] = [];
    const outcomes: Outcome[] = [];
    let killed = false;

    // Workers register a new account and log in with it, over and over, until the process dies.
    const worker = async (w: number) => {
      for (let i = 0; i < 200 && !killed; i += 1) {
        const email = `burst-${w}-${i}@example.com`;
        const registration = await post(api.baseUrl, '/api/users/registration/', { ...johnDoe, email });
        outcomes.push(registration);
        if (registration.status === 201) registered.push({ email, id: (registration.body as { id: number }).id });
        else continue;
        const login = await post(api.baseUrl, '/api/users/login/', { email, password: johnDoe.password1 });
        outcomes.push(login);
        if (login.status === 200) loggedIn.push({ email, key: (login.body as { key: string }).key });
      }
    };
    const burst = Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    // Kill once a good number of writes went through, so the kill lands mid-stream.
    const deadline = Date.now() + 20_000;
    while (registered.length < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    api.child.kill('SIGKILL');
    killed = true;
    expect((await api.exited).signal).toBe('SIGKILL');
    await burst;
    expect(registered.length).toBeGreaterThanOrEqual(40);
    // Some requests were cut off by the kill: their outcome is unknown to the client.
    expect(outcomes.some((o) => o.status === null)).toBe(true);
    expect(outcomes.filter((o) => o.status !== null && o.status >= 500)).toEqual([]);

    api = await start();
    const db = database.db;
    const users = await db.selectFrom('users').select(['id', 'email']).execute();
    const byEmail = new Map(users.map((u) => [u.email, u.id]));
    for (const { email, id } of registered) expect(byEmail.get(email), email).toBe(id);
    const tokens = await db.selectFrom('tokens').select(['digest', 'user_id']).execute();
    const owners = new Map(tokens.map((t) => [t.digest, t.user_id]));
    for (const { email, key } of loggedIn) expect(owners.get(digest(key)), email).toBe(byEmail.get(email));
    expect(await inconsistencies(db)).toEqual([]);

    // The restarted process serves the accounts made before the kill.
    const again = await post(api.baseUrl, '/api/users/login/', { email: registered[0]!.email, password: johnDoe.password1 });
    expect(again.status).toBe(200);
    api.child.kill('SIGTERM');
    expect((await api.exited).code).toBe(0);
  });
});

describe('SIGTERM under load', () => {
  it('finishes in-flight requests, refuses new ones cleanly and exits 0 in bounded time', { timeout: 90_000 }, async () => {
    // A real scrypt cost, so logins are still hashing when the signal comes.
    // At info, the process logs when it handles the signal, so "late" requests come after that.
    const api = await start({ SCRYPT_LOG_N: '15', SHUTDOWN_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' });
    const email = 'drain@example.com';
    expect((await post(api.baseUrl, '/api/users/registration/', { ...johnDoe, email })).status).toBe(201);

    let signalledAt = Number.POSITIVE_INFINITY;
    const inFlight = Array.from({ length: 12 }, async () => {
      const outcome = await post(api.baseUrl, '/api/users/login/', { email, password: johnDoe.password1 });
      return { ...outcome, afterSignal: Date.now() > signalledAt };
    });
    // Long enough for the requests to be read on an idle machine; far less than 12 hashes take.
    await new Promise((resolve) => setTimeout(resolve, 300));
    signalledAt = Date.now();
    api.child.kill('SIGTERM');
    // Sent once the drain has begun: on a loaded machine the process may take a while to handle the signal.
    for (const deadline = Date.now() + 10_000; !api.output().includes('"msg":"SIGTERM: ') && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(api.output()).toContain('"msg":"SIGTERM: ');
    const late = await Promise.all(
      Array.from({ length: 5 }, () => post(api.baseUrl, '/api/users/login/', { email, password: johnDoe.password1 }, 5_000)),
    );

    const answered = await Promise.all(inFlight);
    const { code } = await api.exited;
    const tookMs = Date.now() - signalledAt;
    // Every request sent before the signal got an answer: 200, or (on a busy machine, one not yet
    // read when the drain began) Fastify's clean 503. None was cut off or failed.
    for (const outcome of answered) expect([200, 503], JSON.stringify(outcome)).toContain(outcome.status);
    const drained = answered.filter((o) => o.status === 200 && o.afterSignal).length;
    // The drain is real: logins still hashing at the signal completed after it.
    expect(drained).toBeGreaterThan(0);
    // Refused cleanly: the listener is closed (connection refused) or Fastify answers 503 while closing.
    for (const outcome of late) {
      expect(outcome.status === 503 || outcome.error === 'ECONNREFUSED' || outcome.error === 'ECONNRESET', JSON.stringify(outcome)).toBe(
        true,
      );
    }
    expect(code, api.output()).toBe(0);
    expect(tookMs).toBeLessThan(20_000);
    console.info(`SIGTERM: ${drained} in-flight logins answered 200 after the signal, exit 0 after ${tookMs} ms`);
  });

  it('lets the work of requests whose clients left finish before it closes the database', { timeout: 90_000 }, async () => {
    // At info, the log counts the logins the server took up.
    const api = await start({ SCRYPT_LOG_N: '15', SHUTDOWN_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' });
    const email = 'abandoned@example.com';
    const registration = await post(api.baseUrl, '/api/users/registration/', { ...johnDoe, email });
    expect(registration.status).toBe(201);
    const userId = (registration.body as { id: number }).id;

    // Twelve logins on four hashing threads: the clients hang up while most are still hashing,
    // and the signal follows at once, so the server has no connection left to wait for.
    await Promise.all(
      Array.from({ length: 12 }, () => postAndHangUp(api.baseUrl, '/api/users/login/', { email, password: johnDoe.password1 }, 150)),
    );
    api.child.kill('SIGTERM');
    const { code } = await api.exited;

    const started = api
      .output()
      .split('\n')
      .filter((line) => line.includes('"url":"/api/users/login/"')).length;
    expect(started).toBeGreaterThan(0);
    expect(code, api.output()).toBe(0);
    // Each ran to its end on an open database: none failed on a closed pool.
    expect(api.output()).not.toContain('"level":50');
    const tokens = await database.db.selectFrom('tokens').select('digest').where('user_id', '=', userId).execute();
    expect(tokens).toHaveLength(started);
  });
});
