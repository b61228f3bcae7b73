import type { AuthEndpoints } from '@authsvc/api-router';
import type { DeadlineSignal } from '@authsvc/runtime';

/** Endpoints whose database work runs on `view`, under the deadline set on it (a `DeadlineView`). */
export interface DeadlineBoundEndpoints {
  readonly endpoints: AuthEndpoints;
  readonly view: { deadline: DeadlineSignal | undefined };
}

/** How a transport runs a request's work on endpoints under the request's deadline. */
export interface EndpointsUnderDeadline {
  /** Runs `work` on endpoints under `deadline`; they serve another request once `work` has settled. */
  run<T>(deadline: DeadlineSignal, work: (endpoints: AuthEndpoints) => Promise<T>): Promise<T>;
  /** Endpoints of their own under `deadline`, for work whose end the caller does not await (a tRPC batch). */
  bind(deadline: DeadlineSignal): AuthEndpoints;
  /** Resolves once no work started by `run`, nor any call on endpoints from `bind`, is in flight. */
  settled(): Promise<void>;
}

// Enough for every request in flight on a busy process; more are built when needed and dropped after.
const MAX_IDLE = 64;

/**
 * Reuses endpoints from `bind` across requests instead of binding use cases, repositories and a
 * database view for each one: a graph of some forty objects a request, a sixth of a light read's
 * CPU. A set goes back to the pool only when its work has settled, and work keeps the deadline it
 * started under, so one request's statements never run under another's deadline.
 */
export function endpointsUnderDeadline(bind: () => DeadlineBoundEndpoints): EndpointsUnderDeadline {
  const idle: DeadlineBoundEndpoints[] = [];
  let inFlight = 0;
  const onSettled: Array<() => void> = [];
  const settle = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const resolve of onSettled.splice(0)) resolve();
  };
  /** Counts `work` in flight until it settles. */
  const track = async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight += 1;
    try {
      return await work();
    } finally {
      settle();
    }
  };
  return {
    async run(deadline, work) {
      const bound = idle.pop() ?? bind();
      bound.view.deadline = deadline;
      try {
        return await track(() => work(bound.endpoints));
      } finally {
        bound.view.deadline = undefined;
        if (idle.length < MAX_IDLE) idle.push(bound);
      }
    },
    bind(deadline) {
      const bound = bind();
      bound.view.deadline = deadline;
      // Each call counts until it settles, as `run`'s work does: the caller may never await it.
      const endpoints: Record<string, unknown> = {};
      for (const [name, endpoint] of Object.entries(bound.endpoints as Record<string, (...args: unknown[]) => Promise<unknown>>)) {
        endpoints[name] = (...args: unknown[]) => track(() => endpoint(...args));
      }
      return endpoints as AuthEndpoints;
    },
    settled() {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => onSettled.push(resolve));
    },
  };
}
