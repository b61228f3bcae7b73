import type { RequestContext } from '@authsvc/domain';
import type { FastifyRequest } from 'fastify';

/** What the use cases record about who asked: client address, user agent and request id. */
export const requestContext = (request: FastifyRequest): RequestContext => ({
  ip: request.ip || null,
  userAgent: request.headers['user-agent'] ?? null,
  requestId: String(request.id),
});
