import {
  loginRequestSchema,
  messages,
  passwordChangeRequestSchema,
  passwordResetConfirmRequestSchema,
  passwordResetRequestSchema,
  resendEmailRequestSchema,
  validateBody,
  verifyEmailRequestSchema,
  type LoginResponse,
  type TokenResponse,
  type UserResponse,
} from '@authsvc/contracts';
import type {
  AuthService,
  Authenticated,
  DomainError,
  InvalidInput,
  PublicUser,
  RequestContext,
  Result,
  TokenView,
  Unchecked,
} from '@authsvc/domain';
import type { z } from 'zod';
import { readTokenCredentials } from './authorization-header.js';
import { errorMapping, errorTable, type ErrorBody, type NewPasswordField } from './error-table.js';
import { uncheckedRegistration } from './registration-input.js';

/** An answer any transport can send: a success body, or a status with a DRF error body. */
export type EdgeResult<T> =
  | { readonly ok: true; readonly status: number; readonly body: T }
  | { readonly ok: false; readonly status: number; readonly body: ErrorBody; readonly headers?: Readonly<Record<string, string>> };

/** A confirmation with a message. */
export interface DetailBody {
  readonly detail: string;
}

const success = <T>(status: number, body: T): EdgeResult<T> => ({ ok: true, status, body });

// DRF sends this challenge with every 401 so clients know which scheme to use.
const challenge = { 'WWW-Authenticate': 'Token' } as const;

const failure = (status: number, body: ErrorBody): EdgeResult<never> =>
  status === 401 ? { ok: false, status, body, headers: challenge } : { ok: false, status, body };

/** The answer to a domain error; a refused new password is reported under `passwordField`. */
const refusal = (error: DomainError, passwordField?: NewPasswordField): EdgeResult<never> => {
  const { status, body, headers } = errorMapping(error, passwordField);
  return headers ? { ok: false, status, body, headers } : failure(status, body);
};

/** The contract's validation of a body, for a use case to run when its throttles allow; `toCommand` renames the fields. */
function unchecked<S extends z.ZodType>(schema: S, body: unknown): Unchecked<z.output<S>>;
function unchecked<S extends z.ZodType, C>(schema: S, body: unknown, toCommand: (value: z.output<S>) => C): Unchecked<C>;
function unchecked<S extends z.ZodType, C>(schema: S, body: unknown, toCommand?: (value: z.output<S>) => C): Unchecked<C | z.output<S>> {
  return (): Result<C | z.output<S>, InvalidInput> => {
    const validation = validateBody(schema, body);
    if (!validation.ok) return { ok: false, error: { code: 'invalid_input', fields: validation.errors } };
    return { ok: true, value: toCommand ? toCommand(validation.value) : validation.value };
  };
}

/** A token in the contract's field names. */
const toTokenResponse = (token: TokenView): TokenResponse => ({
  id: token.id,
  created: token.createdAt.toISOString(),
  expires: token.expiresAt.toISOString(),
  current: token.current,
  ip: token.ip,
  user_agent: token.userAgent,
});

const detail = (message: string): EdgeResult<DetailBody> => success(200, { detail: message });

/** A user in the contract's field names. */
export const toUserResponse = (user: PublicUser): UserResponse => ({
  id: user.id,
  first_name: user.firstName,
  last_name: user.lastName,
  email: user.email,
});

/**
 * The contract's endpoints, independent of transport: REST and tRPC both call these with input
 * already validated against the contract's schemas, and send back what they return.
 */
export function createAuthEndpoints(service: AuthService) {
  /** Resolves the caller from an Authorization header; null when none was presented. */
  async function authenticate(authorization: string | undefined, context: RequestContext): Promise<EdgeResult<Authenticated | null>> {
    const credentials = readTokenCredentials(authorization);
    if (credentials.kind === 'absent') return success(200, null);
    if (credentials.kind === 'malformed') return failure(401, { detail: credentials.detail });
    const result = await service.authenticate(credentials.secret, context);
    return result.ok ? success(200, result.value) : failure(401, errorTable[result.error.code].body);
  }

  /** Runs `view` for the caller of an endpoint that requires a token; DRF's 401 without one. */
  async function asCaller<T>(
    authorization: string | undefined,
    context: RequestContext,
    view: (caller: Authenticated) => Promise<EdgeResult<T>>,
  ): Promise<EdgeResult<T>> {
    const caller = await authenticate(authorization, context);
    if (!caller.ok) return caller;
    if (!caller.body) return failure(401, errorTable.not_authenticated.body);
    return view(caller.body);
  }

  return {
    authenticate,

    /** `POST /api/users/registration/`: the use case throttles, validates with the contract's schema, then registers. */
    async register(body: unknown, context: RequestContext): Promise<EdgeResult<UserResponse>> {
      const result = await service.register(uncheckedRegistration(body), context);
      return result.ok ? success(201, toUserResponse(result.value)) : refusal(result.error);
    },

    /** `POST /api/users/login/`: the use case throttles, validates with the contract's schema, then logs in. */
    async login(body: unknown, context: RequestContext): Promise<EdgeResult<LoginResponse>> {
      const result = await service.login(unchecked(loginRequestSchema, body), context);
      return result.ok ? success(200, { key: result.value.key }) : refusal(result.error);
    },

    /** `POST /api/users/logout/` (and `logout-all/` with `allTokens`). */
    async logout(
      authorization: string | undefined,
      context: RequestContext,
      options: { readonly allTokens: boolean },
    ): Promise<EdgeResult<DetailBody>> {
      const caller = await authenticate(authorization, context);
      if (!caller.ok) return caller;
      if (!caller.body) return failure(400, { detail: messages.logoutWithoutToken });
      await service.logout(caller.body, context, options);
      return success(200, { detail: messages.loggedOut });
    },

    /** `GET /api/users/me/`. */
    me: (authorization: string | undefined, context: RequestContext): Promise<EdgeResult<UserResponse>> =>
      asCaller(authorization, context, async (caller) => success(200, toUserResponse(caller.user))),

    /** `POST /api/users/password/change/`: revokes every other token of the caller. */
    changePassword: (authorization: string | undefined, body: unknown, context: RequestContext): Promise<EdgeResult<DetailBody>> =>
      asCaller(authorization, context, async (caller) => {
        const command = unchecked(passwordChangeRequestSchema, body, (value) => ({
          oldPassword: value.old_password,
          newPassword: value.new_password1,
        }));
        const result = await service.changePassword(caller, command, context);
        return result.ok ? detail(messages.passwordChanged) : refusal(result.error, 'new_password2');
      }),

    /** `POST /api/users/password/reset/`: the same answer whether or not the email has an account. */
    async requestPasswordReset(body: unknown, context: RequestContext): Promise<EdgeResult<DetailBody>> {
      const result = await service.requestPasswordReset(unchecked(passwordResetRequestSchema, body), context);
      return result.ok ? detail(messages.passwordResetSent) : refusal(result.error);
    },

    /** `POST /api/users/password/reset/confirm/`: revokes every token of the user. */
    async confirmPasswordReset(body: unknown, context: RequestContext): Promise<EdgeResult<DetailBody>> {
      const command = unchecked(passwordResetConfirmRequestSchema, body, (value) => ({
        uid: value.uid,
        token: value.token,
        newPassword: value.new_password1,
      }));
      const result = await service.confirmPasswordReset(command, context);
      return result.ok ? detail(messages.passwordResetDone) : refusal(result.error, 'new_password2');
    },

    /** `POST /api/users/registration/verify-email/`. */
    async verifyEmail(body: unknown, context: RequestContext): Promise<EdgeResult<DetailBody>> {
      const result = await service.verifyEmail(unchecked(verifyEmailRequestSchema, body), context);
      return result.ok ? detail(messages.ok) : refusal(result.error);
    },

    /** `POST /api/users/registration/resend-email/`: the same answer whether or not the email has an account. */
    async resendVerification(body: unknown, context: RequestContext): Promise<EdgeResult<DetailBody>> {
      const result = await service.resendVerification(unchecked(resendEmailRequestSchema, body), context);
      return result.ok ? detail(messages.ok) : refusal(result.error);
    },

    /** `GET /api/users/tokens/`: the caller's live tokens, newest first. */
    tokens: (authorization: string | undefined, context: RequestContext): Promise<EdgeResult<TokenResponse[]>> =>
      asCaller(authorization, context, async (caller) => {
        const tokens = await service.listTokens(caller);
        return success(200, tokens.map(toTokenResponse));
      }),

    /** `DELETE /api/users/tokens/{id}/`: 204, or 404 for an id the caller does not own. */
    revokeToken: (authorization: string | undefined, tokenId: string, context: RequestContext): Promise<EdgeResult<null>> =>
      asCaller(authorization, context, async (caller) => {
        const result = await service.revokeToken(caller, tokenId, context);
        return result.ok ? success(204, null) : refusal(result.error);
      }),

    /** `POST /api/users/logout-others/`: revokes every token of the caller but the one presented. */
    logoutOthers: (authorization: string | undefined, context: RequestContext): Promise<EdgeResult<DetailBody>> =>
      asCaller(authorization, context, async (caller) => {
        await service.logoutOthers(caller, context);
        return detail(messages.loggedOut);
      }),
  };
}

/** The transport-independent endpoints. */
export type AuthEndpoints = ReturnType<typeof createAuthEndpoints>;
