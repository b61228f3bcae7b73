import {
  emailField,
  loginRequestSchema,
  messages,
  registrationRequestSchema,
  validateBody,
  type FieldErrors,
  type LoginResponse,
  type UserResponse,
} from '@authsvc/contracts';
import type { AuthService, Authenticated, PublicUser, RequestContext, ThrottleDecision, ThrottlePolicy } from '@authsvc/domain';
import { readTokenCredentials } from './authorization-header.js';
import { errorResponse, errorTable, type ErrorBody } from './error-table.js';
import { mergeRegistrationErrors, withPasswordScreening } from './password-screening.js';

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

/** DRF's answer to a throttled request: 429, the wait in the message and in `Retry-After`. */
const throttled = (retryAfterSeconds: number): EdgeResult<never> => ({
  ok: false,
  status: 429,
  body: { detail: messages.throttled(retryAfterSeconds) },
  headers: { 'Retry-After': String(retryAfterSeconds) },
});

/** A refusal for a throttle's denial, or null when the request may go on. */
const refusal = (decision: ThrottleDecision): EdgeResult<never> | null =>
  decision.allowed ? null : throttled(decision.retryAfterSeconds);

// Built once: read when a registration fails validation, to report a taken email beside the rest.
const registrationEmail = emailField();

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
export function createAuthEndpoints(service: AuthService, throttle: ThrottlePolicy) {
  /** Resolves the caller from an Authorization header; null when none was presented. */
  async function authenticate(
    authorization: string | undefined,
    context: RequestContext,
  ): Promise<EdgeResult<Authenticated | null>> {
    const credentials = readTokenCredentials(authorization);
    if (credentials.kind === 'absent') return success(200, null);
    if (credentials.kind === 'malformed') return failure(401, { detail: credentials.detail });
    const result = await service.authenticate(credentials.secret, context);
    return result.ok ? success(200, result.value) : failure(401, errorTable[result.error.code].body);
  }

  /**
   * DRF checks a unique field beside the others, so a taken email is reported together with,
   * say, a weak password. The fields keep the contract's order.
   */
  async function withEmailUniqueness(errors: FieldErrors, body: unknown): Promise<FieldErrors> {
    const email = registrationEmail.safeParse((body as { email?: unknown } | null)?.email);
    if (errors.email || !email.success || !(await service.isEmailTaken(email.data))) return errors;
    return mergeRegistrationErrors(errors, { email: [messages.emailTaken] });
  }

  return {
    authenticate,

    /** `POST /api/users/registration/`: throttles per client, validates the body, then registers. */
    async register(body: unknown, context: RequestContext): Promise<EdgeResult<UserResponse>> {
      // DRF checks throttles before the view validates the body, so even an invalid request counts.
      const denied = refusal(await throttle.admitClient('registration', context.ip));
      if (denied) return denied;
      const validation = validateBody(registrationRequestSchema, body);
      if (!validation.ok) {
        return failure(400, await withPasswordScreening(service, await withEmailUniqueness(validation.errors, body), body));
      }
      const input = validation.value;
      const result = await service.register(
        { firstName: input.first_name, lastName: input.last_name, email: input.email, password: input.password1 },
        context,
      );
      if (!result.ok) {
        const mapped = errorResponse(result.error);
        return failure(mapped.status, mapped.body);
      }
      return success(201, toUserResponse(result.value));
    },

    /** `POST /api/users/login/`: throttles per client and per account, validates the body, then logs in. */
    async login(body: unknown, context: RequestContext): Promise<EdgeResult<LoginResponse>> {
      const deniedClient = refusal(await throttle.admitClient('login', context.ip));
      if (deniedClient) return deniedClient;
      const validation = validateBody(loginRequestSchema, body);
      if (!validation.ok) return failure(400, validation.errors);
      const { email } = validation.value;
      // Read before the password is checked, so a locked-out guess costs no scrypt work.
      const gate = await throttle.checkAccount(email);
      const deniedAccount = refusal(gate);
      if (deniedAccount) return deniedAccount;
      const result = await service.login(validation.value, context);
      if (!result.ok) {
        await throttle.recordLoginFailure(email);
        return failure(errorTable[result.error.code].status, errorTable[result.error.code].body);
      }
      await throttle.recordLoginSuccess(email, gate);
      return success(200, { key: result.value.key });
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
