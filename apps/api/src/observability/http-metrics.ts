import type { FastifyInstance } from 'fastify';
import type { ApiMetrics } from './api-metrics.js';

/** Requests that are logins on either transport, for the throttled-login count. */
const LOGIN_ROUTES = new Set(['/api/users/login/', '/trpc/auth.login']);

/** Route label of a request no route matched, so scanners cannot grow the label set. */
const UNMATCHED = 'unmatched';

/**
 * Counts and times every answered request by method, route pattern and status, counts 429s as
 * throttled, and serves the registry at `/metrics`.
 */
export function installHttpMetrics(server: FastifyInstance, metrics: ApiMetrics): void {
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    metrics.observeRequest({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) {
      metrics.recordThrottled(route);
      // tRPC routes are one pattern (`/trpc/*`), so the procedure is read from the path.
      const path = request.url.split('?', 1)[0]!;
      if (LOGIN_ROUTES.has(route) || LOGIN_ROUTES.has(path)) metrics.recordLogin('throttled');
    }
  });

  server.get('/metrics', async (_request, reply) =>
    reply.header('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
