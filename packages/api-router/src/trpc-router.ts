import type {
  LoginRequest,
  PasswordChangeRequest,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  RegistrationRequest,
  ResendEmailRequest,
  VerifyEmailRequest,
} from '@authsvc/contracts';
import type { RequestContext } from '@authsvc/domain';
import type { DeadlineSignal } from '@authsvc/runtime';
import { initTRPC, TRPCError } from '@trpc/server';
import type { AuthEndpoints, EdgeResult } from './auth-endpoints.js';
import { faultMapping, rpcCodeFor, type ErrorBody } from './error-table.js';

/** What every procedure knows about its call. */
export interface TrpcContext {
  readonly endpoints: AuthEndpoints;
  readonly authorization: string | undefined;
  readonly request: RequestContext;
  /** Aborts when the call's time is up (REQUEST_DEADLINE_MS), as over REST. */
  readonly deadline: DeadlineSignal;
}

/** Carries the DRF body of a failure to the error formatter, and the fault behind it (if any) to the log. */
class EdgeFailure extends Error {
  constructor(
    readonly body: ErrorBody,
    fault?: unknown,
  ) {
    super('edge failure', fault === undefined ? undefined : { cause: fault });
  }
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    // The same field-keyed body REST sends, so clients read errors one way on both transports.
    const details: ErrorBody | null = error.cause instanceof EdgeFailure ? error.cause.body : null;
    return { ...shape, data: { ...shape.data, stack: undefined, details } };
  },
});

/** Rejects with the deadline's reason once it passes. */
const passing = (deadline: DeadlineSignal): Promise<never> =>
  new Promise((_, reject) => {
    // Aborted, a deadline has its reason.
    if (deadline.aborted) reject(deadline.reason!);
    deadline.addEventListener('abort', () => reject(deadline.reason!));
  });

/** The tRPC error for a fault, read through the same table as REST's: 400, 503 or a bare 500. */
function faultError(error: unknown): TRPCError {
  const { status, body } = faultMapping(error);
  const detail = 'detail' in body && typeof body.detail === 'string' ? body.detail : 'Invalid input.';
  return new TRPCError({ code: rpcCodeFor(status), message: detail, cause: new EdgeFailure(body, error) });
}

/**
 * Procedures under the request deadline, whose unexpected failures (a database away, a value it
 * refused, a bug) read as they do over REST, never with the raw error's message.
 */
const procedure = t.procedure.use(async ({ ctx, next }) => {
  let result: Awaited<ReturnType<typeof next>>;
  try {
    result = await Promise.race([next(), passing(ctx.deadline)]);
  } catch (error) {
    throw faultError(error);
  }
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') throw faultError(result.error.cause);
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
    logout: procedure.mutation(async ({ ctx }) => unwrap(await ctx.endpoints.logout(ctx.authorization, ctx.request, { allTokens: false }))),
    logoutAll: procedure.mutation(async ({ ctx }) =>
      unwrap(await ctx.endpoints.logout(ctx.authorization, ctx.request, { allTokens: true })),
    ),
    me: procedure.query(async ({ ctx }) => unwrap(await ctx.endpoints.me(ctx.authorization, ctx.request))),
    changePassword: procedure
      .input(expects<PasswordChangeRequest>())
      .mutation(async ({ input, ctx }) => unwrap(await ctx.endpoints.changePassword(ctx.authorization, input, ctx.request))),
    requestPasswordReset: procedure
      .input(expects<PasswordResetRequest>())
      .mutation(async ({ input, ctx }) => unwrap(await ctx.endpoints.requestPasswordReset(input, ctx.request))),
    confirmPasswordReset: procedure
      .input(expects<PasswordResetConfirmRequest>())
      .mutation(async ({ input, ctx }) => unwrap(await ctx.endpoints.confirmPasswordReset(input, ctx.request))),
    verifyEmail: procedure
      .input(expects<VerifyEmailRequest>())
      .mutation(async ({ input, ctx }) => unwrap(await ctx.endpoints.verifyEmail(input, ctx.request))),
    resendVerification: procedure
      .input(expects<ResendEmailRequest>())
      .mutation(async ({ input, ctx }) => unwrap(await ctx.endpoints.resendVerification(input, ctx.request))),
    tokens: procedure.query(async ({ ctx }) => unwrap(await ctx.endpoints.tokens(ctx.authorization, ctx.request))),
    revokeToken: procedure.input(expects<{ id: string }>()).mutation(async ({ input, ctx }) => {
      // A body that is not `{id: string}` names no token: the same 404 as an unknown id.
      const id = typeof input === 'object' && input !== null && typeof input.id === 'string' ? input.id : '';
      unwrap(await ctx.endpoints.revokeToken(ctx.authorization, id, ctx.request));
      return null;
    }),
    logoutOthers: procedure.mutation(async ({ ctx }) => unwrap(await ctx.endpoints.logoutOthers(ctx.authorization, ctx.request))),
  }),
});

/** The router's type, for typed clients. */
export type AppRouter = typeof appRouter;
