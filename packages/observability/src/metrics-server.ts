import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What `/readyz` reports, in the API's shape: ready when every check is `ok`. */
export type ReadinessChecks = Readonly<Record<string, 'ok' | 'failing'>>;

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  readonly url: string;
  close(): Promise<void>;
}

/** Options of `startMetricsServer`. */
export interface MetricsServerOptions {
  readonly registry: Registry;
  readonly host: string;
  readonly port: number;
  /** When given, `GET /readyz` is 200 while every check it returns is `ok` and 503 otherwise. */
  readonly readiness?: () => ReadinessChecks;
}

/**
 * Serves `registry` at `GET /metrics`, liveness at `GET /healthz` and, with `readiness`,
 * readiness at `GET /readyz`, for processes without an HTTP server of their own (the worker).
 * Anything else is 404.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (request.method === 'GET' && path === '/metrics') {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': options.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    } else if (request.method === 'GET' && path === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    } else if (request.method === 'GET' && path === '/readyz' && options.readiness) {
      const checks = options.readiness();
      const ready = Object.values(checks).every((check) => check === 'ok');
      response
        .writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
