import { Deadline, noDeadline, type DeadlineSignal } from '@authsvc/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's deadline, where {@link installRequestDeadline} covers it; read it with {@link deadlineOf}. */
    deadline: Deadline | null;
  }
}

/** The deadline of a request that {@link installRequestDeadline} covers; one that never passes otherwise. */
export const deadlineOf = (request: FastifyRequest): DeadlineSignal => request.deadline ?? noDeadline;

/**
 * Gives every request of `server`'s context `deadlineMs` from its arrival. When it passes, its
 * deadline aborts: the request's database work, run on a handle under it (a `deadlineView`),
 * stops (no further statement, the one in flight dropped), so its transaction rolls back and a
 * 503 never leaves a change behind; `onPassed` answers the client.
 */
export function installRequestDeadline(
  server: FastifyInstance,
  deadlineMs: number,
  onPassed?: (request: FastifyRequest, reply: FastifyReply) => void,
): void {
  // A decoration rather than a WeakMap keyed by request: every request gets the slot in its
  // shape, and the garbage collector has no weak table of thousands of entries to walk.
  server.decorateRequest('deadline', null);
  server.addHook('onRequest', (request, reply, done) => {
    request.deadline = new Deadline(deadlineMs, 'request deadline passed', () => {
      if (onPassed && !reply.sent) onPassed(request, reply);
    });
    done();
  });
  // Answered, the request needs no deadline: its timer would keep the request, its reply and
  // their closures alive for the whole deadline (10 s by default), thousands of requests a second
  // promoted to the old generation, which the garbage collector then pays for.
  server.addHook('onResponse', (request, _reply, done) => {
    request.deadline?.clear();
    done();
  });
}
