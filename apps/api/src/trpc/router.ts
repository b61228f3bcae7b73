import { messages, type LoginRequest, type RegistrationRequest } from '@authsvc/contracts';
import type { RequestContext } from '@authsvc/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import type { AuthEndpoints, EdgeResult } from '../edge/auth-endpoints.js';
import { rpcCodeFor, type ErrorBody } from '../edge/error-table.js';
import { isUnavailable } from '../http/error-handler.js';

/** What every procedure knows about its call. */
export interface TrpcContext {
  readonly endpoints: AuthEndpoints;
  readonly authorization: string | undefined;
  readonly request: RequestContext;
}

/** Carries the DRF body of a failure to the error formatter. */
class EdgeFailure extends Error {
  constructor(readonly body: ErrorBody) {
    super('edge failure');
  }
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    // The same field-keyed body REST sends, so clients read errors one way on both transports.
    const details: ErrorBody | null = error.cause instanceof EdgeFailure ? error.cause.body : null;
    return { ...shape, data: { ...shape.data, stack: undefined, details } };
  },
});

/** Procedures whose unreachable database reads as SERVICE_UNAVAILABLE (503), as over REST, not a 500. */
const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && isUnavailable(result.error.cause)) {
    const body = { detail: messages.serviceUnavailable };
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: body.detail, cause: new EdgeFailure(body) });
  }
  return result;
});

/**
 * Declares the input type for typed clients and passes the value through: the endpoint validates
 * it with the contract's schema, so both transports report the same field errors.
 */
const expects =
  <T>() =>
  (input: unknown): T =>
    input as T;

/** Returns a success body, or throws the failure as a tRPC error with the same body. */
function unwrap<T>(result: EdgeResult<T>): T {
  if (result.ok) return result.body;
  const detail = 'detail' in result.body && typeof result.body.detail === 'string' ? result.body.detail : 'Invalid input.';
  throw new TRPCError({ code: rpcCodeFor(result.status), message: detail, cause: new EdgeFailure(result.body) });
}

/** The tRPC router: the REST contract's use cases, with the same field names. */
export const appRouter = t.router({
  auth: t.router({
    register: procedure
      .input(expects<RegistrationRequest>())
      .mutation(async ({ input, ctx }) => unwrap(await ctx.endpoints.register(input, ctx.request))),
    login: procedure
      .input(expects<LoginRequest>())
      .mutation(async ({ input, ctx }) => unwrap(await ctx.endpoints.login(input, ctx.request))),
    logout: procedure.mutation(async ({ ctx }) =>
      unwrap(await ctx.endpoints.logout(ctx.authorization, ctx.request, { allTokens: false })),
    ),
    logoutAll: procedure.mutation(async ({ ctx }) =>
      unwrap(await ctx.endpoints.logout(ctx.authorization, ctx.request, { allTokens: true })),
    ),
    me: procedure.query(async ({ ctx }) => unwrap(await ctx.endpoints.me(ctx.authorization, ctx.request))),
  }),
});

/** The router's type, for typed clients. */
export type AppRouter = typeof appRouter;
