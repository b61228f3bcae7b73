import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (a broken request line or
 * header, headers too large, a client too slow) in DRF's shape too, then closes the connection,
 * since nothing after a broken request can be trusted.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ detail: messages.malformedRequest });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
