import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { johnDoe, startTestApi, type TestApi } from './support.js';

// Short limits, so the slow clients are cut off in a second or two rather than the defaults' 30 s.
const LIMITS = { HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' };
const SLOW_CLIENTS = 50;

let api: TestApi;
let key: string;
beforeAll(async () => {
  api = await startTestApi(LIMITS);
  await api.request('POST', '/api/users/registration/', { body: johnDoe });
  key = (
    (await api.request('POST', '/api/users/login/', { body: { email: johnDoe.email, password: johnDoe.password1 } })).body as {
      key: string;
    }
  ).key;
});
afterAll(async () => {
  await api?.stop();
});

/** Opens a connection, writes `bytes` and nothing more; resolves with the socket once connected. */
function openSlow(bytes: string): Promise<Socket> {
  const { hostname, port } = new URL(api.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(bytes);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves when the server has closed the socket, or rejects after `timeoutMs` (and closes it ourselves). */
function closedByServer(socket: Socket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a slow connection open for ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.resume();
  });
}

describe('slow clients', () => {
  it('bodies and headers that never finish are closed within the limits, while /me stays fast', { timeout: 60_000 }, async () => {
    const slowBody =
      'POST /api/users/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":';
    const slowHeaders = 'GET /api/users/me/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ';
    const started = performance.now();
    const sockets = await Promise.all(Array.from({ length: SLOW_CLIENTS }, (_, i) => openSlow(i % 2 === 0 ? slowBody : slowHeaders)));
    const closed = Promise.all(sockets.map((socket) => closedByServer(socket, 15_000)));
    // Meanwhile other clients are served, each well inside a fault bound.
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(`${api.baseUrl}/api/users/me/`, {
        headers: { authorization: `Token ${key}` },
        signal: AbortSignal.timeout(5_000),
      });
      expect(response.status).toBe(200);
    }
    await closed;
    console.info(
      `${SLOW_CLIENTS} slow clients closed by the server within ${(performance.now() - started).toFixed(0)} ms; /me answered 200 meanwhile`,
    );
  });

  it('a keep-alive connection left idle is closed after its timeout', { timeout: 30_000 }, async () => {
    const socket = await openSlow(`GET /api/users/me/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Token ${key}\r\n\r\n`);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await closedByServer(socket, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('connection cap', () => {
  it('refuses connections beyond HTTP_MAX_CONNECTIONS and serves again once they close', { timeout: 60_000 }, async () => {
    const capped = await startTestApi({ ...LIMITS, HTTP_MAX_CONNECTIONS: '5' });
    const held: Socket[] = [];
    try {
      const { hostname, port } = new URL(capped.baseUrl);
      const open = () =>
        new Promise<Socket>((resolve) =>
          held.push(
            connect(Number(port), hostname, function (this: Socket) {
              resolve(this);
            }),
          ),
        );
      await Promise.all(Array.from({ length: 5 }, open));
      // The sixth is accepted by the kernel and closed at once by the server.
      await closedByServer(await open(), 5_000);
      for (const socket of held) socket.destroy();
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
        status = await fetch(`${capped.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      for (const socket of held) socket.destroy();
      await capped.stop();
    }
  });
});

describe('the defaults', () => {
  it('close a slow-body or slow-header client within 30 s, and cap connections', () => {
    const config = loadConfig({});
    // Node checks the limits every second: a client can outlive its limit by that much.
    expect(config.HTTP_REQUEST_TIMEOUT_MS + 1_000).toBeLessThanOrEqual(30_000);
    expect(config.HTTP_HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(config.HTTP_REQUEST_TIMEOUT_MS);
    expect(config.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
    expect(config.HTTP_MAX_CONNECTIONS).toBeGreaterThan(0);
  });

  it('give way to the settings, which the server runs with', () => {
    const server = api.app.server.server;
    expect(server.requestTimeout).toBe(1_500);
    expect(server.headersTimeout).toBe(1_000);
    expect(server.keepAliveTimeout).toBe(1_000);
    expect(server.maxConnections).toBe(loadConfig({}).HTTP_MAX_CONNECTIONS);
  });
});
