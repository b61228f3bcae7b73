import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout } from 'node:timers/promises';
import { buildAsyncApiDocument, type AsyncApiDocumentOptions } from '@authsvc/adapter-kafka';
import { appRouter, type AppRouter } from '@authsvc/api-router';
import { messages } from '@authsvc/contracts';
import cors from '@fastify/cors';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { installHttpMetrics } from '../observability/http-metrics.js';
import type { ApiMetrics } from '../observability/api-metrics.js';
import { lazyRequestLogger } from '../observability/lazy-request-logger.js';
import { checkReadiness, type ReadinessCheck } from '../observability/readiness.js';
import { ACCOUNT_PAGE_PATHS, registerAccountPages } from './account-pages.js';
import { registerApiDocs, registerEventsSchema } from './api-docs.js';
import { clientErrorHandler, errorHandler } from './error-handler.js';
import { buildOpenApiDocument } from './openapi.js';
import { registerRestRoutes, restResources } from './rest-routes.js';
import { requestContext } from './request-context.js';
import { deadlineOf, installRequestDeadline } from './request-deadline.js';
import type { EndpointsUnderDeadline } from './request-endpoints.js';

/** How long a client may take, and how many may be connected at once. */
export interface SocketLimits {
  /** Time to receive a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** Time to receive a request's headers; at most `requestTimeoutMs`. */
  readonly headersTimeoutMs: number;
  /** Time an idle keep-alive connection is kept open between requests. */
  readonly keepAliveTimeoutMs: number;
  /** Connections open at once; past it, new ones are closed at once. */
  readonly maxConnections: number;
}

// Node checks the request and headers timeouts only this often (30 s by default), which would add
// up to that much to each limit.
const LIMIT_CHECK_INTERVAL_MS = 1_000;

/** Options of the HTTP server. */
export interface HttpServerOptions {
  readonly bodyLimitBytes: number;
  readonly trustProxy: FastifyServerOptions['trustProxy'];
  readonly logger: FastifyServerOptions['logger'];
  /** What must hold for the service to serve (database reachable, migrations applied); `/readyz` runs them. */
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Where request counts and latencies go; `/metrics` serves its registry. */
  readonly metrics: ApiMetrics;
  /** Browser origins allowed to call the API; empty leaves CORS off (no CORS headers at all). */
  readonly corsOrigins: readonly string[];
  /** A REST or tRPC request not answered by then gets a 503, its database work rolled back, instead of hanging (a frozen database). */
  readonly requestDeadlineMs: number;
  readonly socketLimits: SocketLimits;
  /** The Kafka topics the AsyncAPI document at /api/events/schema/ names. */
  readonly eventTopics: Required<Omit<AsyncApiDocumentOptions, 'version'>>;
}

/** A route as registered, for checking that the API description covers every one. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on the server, in registration order. */
    readonly registeredRoutes: readonly RegisteredRoute[];
  }
}

// Read at run time so the document's version follows the package's; the same path from src/ and dist/.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

// Headers suited to a JSON API: nothing may frame, sniff or cache what it answers. Named in
// lowercase, as Fastify stores and sends every name: one it has to lowercase is a new string on
// each answer, which V8 then looks up again to use as a key.
const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
} as const;

/** How long a closing server goes on reading requests that arrived before it closes, to refuse them cleanly. */
const CLOSE_GRACE_MS = 500;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Builds the HTTP server: the REST contract, the tRPC router at /trpc, health, metrics and the API
 * docs. `endpoints` runs a request's work with its database work under the request's deadline.
 */
export function buildHttpServer(endpoints: EndpointsUnderDeadline, options: HttpServerOptions): FastifyInstance {
  const server = Fastify({
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    logger: options.logger,
    childLoggerFactory: lazyRequestLogger,
    exposeHeadRoutes: false,
    // A tRPC batch names each call in the path (`/trpc/auth.login,auth.login,...`): Fastify's default
    // of 100 characters would refuse batches of more than nine calls with a 414.
    routerOptions: { maxParamLength: 2_000 },
    return503OnClosing: true,
    requestTimeout: options.socketLimits.requestTimeoutMs,
    keepAliveTimeout: options.socketLimits.keepAliveTimeoutMs,
    http: {
      headersTimeout: options.socketLimits.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(LIMIT_CHECK_INTERVAL_MS, options.socketLimits.headersTimeoutMs),
    },
    clientErrorHandler,
    requestIdHeader: false,
    // A caller's request id is kept when it is sane, so logs and events can be joined across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });

  server.server.maxConnections = options.socketLimits.maxConnections;

  // On close, Node drops every connection with no request being handled, including one whose
  // request has arrived but is not read yet: that client sees a reset. Reading on for a moment
  // first answers such requests (503, Connection: close, as return503OnClosing does) instead.
  server.addHook('preClose', async () => {
    await setTimeout(CLOSE_GRACE_MS);
  });

  const registeredRoutes: RegisteredRoute[] = [];
  server.decorate('registeredRoutes', registeredRoutes);
  server.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url });
  });
  installHttpMetrics(server, options.metrics);

  // While the server drains, each answer closes its connection: a client's idle keep-alive
  // connection would otherwise hold the shutdown open until its timeout (72 s in Fastify).
  let draining = false;
  server.addHook('preClose', async () => {
    draining = true;
  });
  // A callback hook, not an async one: it runs on every answer, and a promise each costs.
  server.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(securityHeaders);
    reply.header('x-request-id', request.id);
    if (draining) reply.header('Connection', 'close');
    done(null, payload);
  });
  server.setErrorHandler(errorHandler);
  if (options.corsOrigins.length > 0) {
    const origin = [...options.corsOrigins];
    server.register(cors, {
      // Only a browser's preflight (it names the method it wants) is answered here; a plain
      // OPTIONS still reaches the view and gets DRF's metadata.
      delegator: (request, callback) =>
        callback(null, {
          origin,
          preflight: request.headers['access-control-request-method'] !== undefined,
          methods: ['GET', 'POST', 'DELETE'],
          allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
          exposedHeaders: ['Retry-After', 'X-Request-Id'],
          maxAge: 600,
        }),
    });
  }

  const resources = restResources();
  // A parameter (`:id`) matches one path segment, as Django's converters do.
  const slashedPaths = [...resources.map((r) => r.path), ...ACCOUNT_PAGE_PATHS].map(
    (path) => new RegExp(`^${path.replace(/:[^/]+/g, '[^/]+')}$`),
  );
  server.setNotFoundHandler((request, reply) => {
    const [path, query] = request.url.split('?', 2) as [string, string | undefined];
    // Django's APPEND_SLASH: a known path without its trailing slash is redirected. Other methods
    // than GET get 308, which clients follow with the same method and body (a 301 turns a POST
    // into a bodiless GET), and a detail to read for those that do not follow.
    if (slashedPaths.some((pattern) => pattern.test(`${path}/`))) {
      const location = `${path}/${query === undefined ? '' : `?${query}`}`;
      if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect(location, 301);
      return reply
        .code(308)
        .header('Location', location)
        .send({ detail: messages.repeatAt(location) });
    }
    return reply.code(404).send({ detail: messages.notFound });
  });

  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await checkReadiness(options.readinessChecks);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
  server.register(async (docs) => registerApiDocs(docs, buildOpenApiDocument(resources, version)));
  server.register(async (pages) => registerAccountPages(pages));
  server.register(async (docs) => registerEventsSchema(docs, buildAsyncApiDocument({ ...options.eventTopics, version })));

  server.register(async (rest) => registerRestRoutes(rest, resources, endpoints, options.requestDeadlineMs));
  server.register(async (trpc) => {
    // The same deadline as REST's; the procedures answer it themselves, in tRPC's shape.
    installRequestDeadline(trpc, options.requestDeadlineMs);
    await trpc.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        createContext: ({ req }) => {
          const deadline = deadlineOf(req);
          return { endpoints: endpoints.bind(deadline), authorization: req.headers.authorization, request: requestContext(req), deadline };
        },
        onError: ({ error, req }) => {
          // The client sees a bare 500; the log gets the fault, through the error's causes.
          if (error.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: error }, 'unhandled error');
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    });
  });
  return server;
}
