import type { AuthEndpoints, EdgeResult } from '@authsvc/api-router';
import { messages } from '@authsvc/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { installDrfParsers, parsedBody } from './body-parsers.js';
import { requestContext } from './request-context.js';
import { deadlineOf, installRequestDeadline } from './request-deadline.js';
import type { EndpointsUnderDeadline } from './request-endpoints.js';

/** A view runs the request on endpoints bound to its deadline. */
type View = (request: FastifyRequest, endpoints: AuthEndpoints) => Promise<EdgeResult<unknown>>;

/** One REST resource: its path and the views of the methods it allows. */
interface Resource {
  readonly path: string;
  readonly name: string;
  readonly views: Partial<Record<ViewMethod, View>>;
}

/** The methods a view may serve; HEAD is GET's, OPTIONS is answered for every resource. */
type ViewMethod = 'GET' | 'POST' | 'DELETE';

/** Every method a route takes so that a wrong one gets 405 rather than 404. */
export const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Sends an edge result with its status, headers and JSON body (none for a 204). */
export function sendResult(reply: FastifyReply, result: EdgeResult<unknown>): FastifyReply {
  if (!result.ok && result.headers) reply.headers(result.headers);
  return result.status === 204 ? reply.code(204).send() : reply.code(result.status).send(result.body);
}

/** The `:id` parameter of a path, as Fastify parsed it. */
const pathParameter = (request: FastifyRequest, name: string): string => {
  const params = request.params as Record<string, string | undefined>;
  return params[name] ?? '';
};

/** Hands a view the parsed body, or answers the parse failure as DRF does when a view reads it. */
function withBody(request: FastifyRequest, then: (data: unknown) => Promise<EdgeResult<unknown>>): Promise<EdgeResult<unknown>> {
  const body = parsedBody(request.body);
  return body.kind === 'error' ? Promise.resolve({ ok: false, status: body.status, body: { detail: body.detail } }) : then(body.data);
}

/** The resources of the REST contract. Paths keep their trailing slash, as Django routes do. */
export function restResources(): Resource[] {
  return [
    {
      path: '/api/users/registration/',
      name: 'Registration',
      views: {
        POST: (request, endpoints) => withBody(request, (data) => endpoints.register(data, requestContext(request))),
      },
    },
    {
      path: '/api/users/login/',
      name: 'Login',
      views: {
        POST: (request, endpoints) => withBody(request, (data) => endpoints.login(data, requestContext(request))),
      },
    },
    {
      path: '/api/users/logout/',
      name: 'Logout',
      views: {
        POST: (request, endpoints) => endpoints.logout(request.headers.authorization, requestContext(request), { allTokens: false }),
      },
    },
    {
      path: '/api/users/logout-all/',
      name: 'Logout All',
      views: {
        POST: (request, endpoints) => endpoints.logout(request.headers.authorization, requestContext(request), { allTokens: true }),
      },
    },
    {
      path: '/api/users/me/',
      name: 'Me',
      views: {
        GET: (request, endpoints) => endpoints.me(request.headers.authorization, requestContext(request)),
      },
    },
    {
      path: '/api/users/password/change/',
      name: 'Password Change',
      views: {
        POST: (request, endpoints) =>
          withBody(request, (data) => endpoints.changePassword(request.headers.authorization, data, requestContext(request))),
      },
    },
    {
      path: '/api/users/password/reset/',
      name: 'Password Reset',
      views: {
        POST: (request, endpoints) => withBody(request, (data) => endpoints.requestPasswordReset(data, requestContext(request))),
      },
    },
    {
      path: '/api/users/password/reset/confirm/',
      name: 'Password Reset Confirm',
      views: {
        POST: (request, endpoints) => withBody(request, (data) => endpoints.confirmPasswordReset(data, requestContext(request))),
      },
    },
    {
      path: '/api/users/registration/verify-email/',
      name: 'Verify Email',
      views: {
        POST: (request, endpoints) => withBody(request, (data) => endpoints.verifyEmail(data, requestContext(request))),
      },
    },
    {
      path: '/api/users/registration/resend-email/',
      name: 'Resend Email Verification',
      views: {
        POST: (request, endpoints) => withBody(request, (data) => endpoints.resendVerification(data, requestContext(request))),
      },
    },
    {
      path: '/api/users/tokens/',
      name: 'Token List',
      views: {
        GET: (request, endpoints) => endpoints.tokens(request.headers.authorization, requestContext(request)),
      },
    },
    {
      path: '/api/users/tokens/:id/',
      name: 'Token Detail',
      views: {
        DELETE: (request, endpoints) =>
          endpoints.revokeToken(request.headers.authorization, pathParameter(request, 'id'), requestContext(request)),
      },
    },
    {
      path: '/api/users/logout-others/',
      name: 'Logout Others',
      views: {
        POST: (request, endpoints) => endpoints.logoutOthers(request.headers.authorization, requestContext(request)),
      },
    },
  ];
}

/**
 * Registers the REST contract. Every method is routed so that a wrong one gets DRF's 405 with
 * an `Allow` header rather than a 404, and OPTIONS answers with DRF's metadata. A request not
 * answered within `deadlineMs` gets a 503, its database work rolled back: a frozen database must
 * not hang clients.
 */
export async function registerRestRoutes(
  server: FastifyInstance,
  resources: Resource[],
  endpoints: EndpointsUnderDeadline,
  deadlineMs: number,
): Promise<void> {
  installDrfParsers(server);
  installRequestDeadline(server, deadlineMs, (request, reply) => {
    request.log.warn({ deadlineMs }, 'request deadline passed: answering 503');
    void reply.code(503).header('Retry-After', '1').send({ detail: messages.serviceUnavailable });
  });
  for (const resource of resources) {
    const allowed = [...Object.keys(resource.views), 'OPTIONS'];
    const allow = allowed.join(', ');
    server.route({
      method: ALL_METHODS,
      url: resource.path,
      handler: async (request, reply) => {
        reply.header('allow', allow);
        const method = request.method === 'HEAD' ? 'GET' : request.method;
        if (method === 'OPTIONS') {
          return reply.send({
            name: resource.name,
            description: '',
            renders: ['application/json'],
            parses: ['application/json', 'application/x-www-form-urlencoded'],
          });
        }
        const view = resource.views[method as ViewMethod];
        if (!view) return reply.code(405).send({ detail: messages.methodNotAllowed(request.method) });
        return sendResult(reply, await endpoints.run(deadlineOf(request), (bound) => view(request, bound)));
      },
    });
  }
}
