import { messages } from '@authsvc/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

// PostgreSQL and pg failures that mean the database cannot be reached right now (SQLSTATE class
// 08 is connection exceptions, 57P0x an administrator shutdown or a crash restart).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed/i;

/** True when an error says the database is unreachable, which a retry later may fix. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return UNAVAILABLE_MESSAGES.test(error.message);
}

/**
 * Answers every error in DRF's shape: Fastify's own client errors keep their 4xx status, an
 * unreachable database is a 503 to retry, and anything else a 500 with no internals shown.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ detail: messages.bodyTooLarge });
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ detail: messages.malformedRequest });
  }
  if (isUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return reply.code(503).header('Retry-After', '1').send({ detail: messages.serviceUnavailable });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ detail: messages.serverError });
}
