import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { faultMapping } from '@authsvc/api-router';
import { messages } from '@authsvc/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers every error in DRF's shape: Fastify's own client errors keep their 4xx status, and the
 * rest reads as the edge's fault table says (a database's bad input 400, its absence 503, else 500).
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ detail: messages.bodyTooLarge });
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ detail: messages.malformedRequest });
  }
  const fault = faultMapping(error);
  if (fault.status === 503) {
    request.log.warn({ err: error }, 'database unavailable');
    reply.header('Retry-After', '1');
  } else if (fault.status === 500) request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ err: error }, 'database refused a value');
  return reply.code(fault.status).send(fault.body);
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
