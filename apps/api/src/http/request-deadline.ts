import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A request's deadline: the signal its work watches, and the timer that aborts it. */
interface Deadline {
  readonly signal: AbortSignal;
  readonly timer: NodeJS.Timeout;
}

const deadlines = new WeakMap<FastifyRequest, Deadline>();

/** The deadline of a request that {@link installRequestDeadline} covers; a signal that never aborts otherwise. */
export const deadlineOf = (request: FastifyRequest): AbortSignal => deadlines.get(request)?.signal ?? new AbortController().signal;

/**
 * Gives every request of `server`'s context `deadlineMs` from its arrival. When it passes, its
 * signal aborts: the request's database work, run on a handle under that signal
 * (a `deadlineView`), stops (no further statement, the one in flight dropped), so its
 * transaction rolls back and a 503 never leaves a change behind; `onPassed` answers the client.
 */
export function installRequestDeadline(
  server: FastifyInstance,
  deadlineMs: number,
  onPassed?: (request: FastifyRequest, reply: FastifyReply) => void,
): void {
  server.addHook('onRequest', (request, reply, done) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new DOMException('request deadline passed', 'TimeoutError'));
      if (onPassed && !reply.sent) onPassed(request, reply);
    }, deadlineMs);
    deadlines.set(request, { signal: controller.signal, timer });
    done();
  });
  // A timer left to run would keep the request, its reply and their closures alive for the whole
  // deadline (10 s by default): thousands of requests a second promoted to the old generation,
  // which the garbage collector then pays for. Answered, the request needs no deadline.
  server.addHook('onResponse', (request, _reply, done) => {
    clearTimeout(deadlines.get(request)?.timer);
    done();
  });
}
