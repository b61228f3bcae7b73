import { randomUUID } from 'node:crypto';
import { messages } from '@authsvc/contracts';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AuthEndpoints } from '../edge/auth-endpoints.js';
import { appRouter, type AppRouter } from '../trpc/router.js';
import { errorHandler } from './error-handler.js';
import { registerRestRoutes, restResources } from './rest-routes.js';
import { requestContext } from './request-context.js';

/** Options of the HTTP server. */
export interface HttpServerOptions {
  readonly bodyLimitBytes: number;
  readonly trustProxy: FastifyServerOptions['trustProxy'];
  readonly logger: FastifyServerOptions['logger'];
  /** Reports whether the service can serve (database reachable); `/readyz` answers with it. */
  readonly isReady: () => Promise<boolean>;
}

// Headers suited to a JSON API: nothing may frame, sniff or cache what it answers.
const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
} as const;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the HTTP server: the REST contract, the tRPC router at /trpc, and health checks. */
export function buildHttpServer(endpoints: AuthEndpoints, options: HttpServerOptions): FastifyInstance {
  const server = Fastify({
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    logger: options.logger,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    requestIdHeader: false,
    // A caller's request id is kept when it is sane, so logs and events can be joined across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });

  server.addHook('onSend', async (request, reply) => {
    reply.headers(securityHeaders);
    reply.header('X-Request-Id', request.id);
  });
  server.setErrorHandler(errorHandler);

  const resources = restResources(endpoints);
  const restPaths = new Set(resources.map((r) => r.path));
  server.setNotFoundHandler((request, reply) => {
    const [path, query] = request.url.split('?', 2) as [string, string | undefined];
    // Django's APPEND_SLASH: a known path without its trailing slash is redirected.
    if (restPaths.has(`${path}/`)) return reply.redirect(`${path}/${query === undefined ? '' : `?${query}`}`, 301);
    return reply.code(404).send({ detail: messages.notFound });
  });

  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/readyz', async (_request, reply) =>
    (await options.isReady()) ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' }),
  );

  server.register(async (rest) => registerRestRoutes(rest, resources));
  server.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => ({ endpoints, authorization: req.headers.authorization, request: requestContext(req) }),
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
  return server;
}
