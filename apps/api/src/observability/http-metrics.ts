import type { FastifyInstance } from 'fastify';
import type { ApiMetrics } from './api-metrics.js';

/** Route label of a request no route matched, so scanners cannot grow the label set. */
const UNMATCHED = 'unmatched';

/**
 * Counts and times every answered request by method, route pattern and status, counts 429s as
 * throttled, and serves the registry at `/metrics`.
 */
export function installHttpMetrics(server: FastifyInstance, metrics: ApiMetrics): void {
  // A callback hook, not an async one: it runs on every answer, and a promise each costs.
  server.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    metrics.observeRequest({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) metrics.recordThrottled(route);
    done();
  });

  server.get('/metrics', async (_request, reply) =>
    reply.header('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
