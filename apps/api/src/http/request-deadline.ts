import { withQueryDeadline } from '@authsvc/adapter-postgres';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const deadlines = new WeakMap<FastifyRequest, AbortSignal>();

/** The deadline of a request that {@link installRequestDeadline} covers; a signal that never aborts otherwise. */
export const deadlineOf = (request: FastifyRequest): AbortSignal => deadlines.get(request) ?? new AbortController().signal;

/**
 * Gives every request of `server`'s context `deadlineMs` from its arrival. When it passes, the
 * request's database work stops (no further statement, the one in flight dropped), so its
 * transaction rolls back and a 503 never leaves a change behind; `onPassed` answers the client.
 */
export function installRequestDeadline(
  server: FastifyInstance,
  deadlineMs: number,
  onPassed?: (request: FastifyRequest, reply: FastifyReply) => void,
): void {
  server.addHook('onRequest', (request, reply, done) => {
    const signal = AbortSignal.timeout(deadlineMs);
    deadlines.set(request, signal);
    if (onPassed) {
      signal.addEventListener('abort', () => {
        if (!reply.sent) onPassed(request, reply);
      });
    }
    done();
  });
  // After the body is read (stream callbacks lose the async context), so the handler and every
  // query it starts run under the deadline.
  server.addHook('preValidation', (request, _reply, done) => withQueryDeadline(deadlineOf(request), done));
}
