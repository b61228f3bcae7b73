import { loginRequestSchema, messages, validateBody, type LoginResponse, type UserResponse } from '@authsvc/contracts';
import type { AuthService, Authenticated, DomainError, InvalidInput, PublicUser, RequestContext, Result, Unchecked } from '@authsvc/domain';
import type { z } from 'zod';
import { readTokenCredentials } from './authorization-header.js';
import { errorMapping, errorTable, type ErrorBody } from './error-table.js';
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

/** The answer to a domain error. */
const refusal = (error: DomainError): EdgeResult<never> => {
  const { status, body, headers } = errorMapping(error);
  return headers ? { ok: false, status, body, headers } : failure(status, body);
};

/** The contract's validation of a body, for a use case to run when its throttles allow. */
const unchecked =
  <S extends z.ZodType>(schema: S, body: unknown): Unchecked<z.output<S>> =>
  (): Result<z.output<S>, InvalidInput> => {
    const validation = validateBody(schema, body);
    return validation.ok
      ? { ok: true, value: validation.value }
      : { ok: false, error: { code: 'invalid_input', fields: validation.errors } };
  };

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
    async me(authorization: string | undefined, context: RequestContext): Promise<EdgeResult<UserResponse>> {
      const caller = await authenticate(authorization, context);
      if (!caller.ok) return caller;
      if (!caller.body) return failure(401, errorTable.not_authenticated.body);
      return success(200, toUserResponse(caller.body.user));
    },
  };
}

/** The transport-independent endpoints. */
export type AuthEndpoints = ReturnType<typeof createAuthEndpoints>;
