import {
  detailResponseSchema,
  fieldErrorsResponseSchema,
  loginResponseSchema,
  tokenListResponseSchema,
  userResponseSchema,
  type FieldErrors,
  type LoginRequest,
  type LoginResponse,
  type PasswordChangeRequest,
  type PasswordResetConfirmRequest,
  type PasswordResetRequest,
  type RegistrationRequest,
  type ResendEmailRequest,
  type TokenResponse,
  type UserResponse,
  type VerifyEmailRequest,
} from '@authsvc/contracts';
import { z } from 'zod';

/** Options of {@link createAuthClient}. */
export interface AuthClientOptions {
  /** Where the service is, e.g. `http://127.0.0.1:8000`; paths are appended to it. */
  readonly baseUrl: string;
  /** A token from an earlier login; `login` replaces it, `logout` clears it. */
  readonly token?: string;
  /** How long one attempt may take before it is abandoned (default 10 s). */
  readonly timeoutMs?: number;
  /** Further attempts of an idempotent call after a network failure, a timeout or a 503 (default 2). */
  readonly retries?: number;
  /** The first retry's delay; each next one doubles it (default 200 ms). */
  readonly retryDelayMs?: number;
  /** Upper bound of any delay, a server's `Retry-After` included (default 5 s). */
  readonly maxRetryDelayMs?: number;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
}

/** Why a call failed. */
export type AuthClientError =
  /** 400 with messages by field (`non_field_errors` for the body as a whole), as DRF reports validation. */
  | { readonly kind: 'fields'; readonly status: number; readonly fields: FieldErrors }
  /** Any other answer with DRF's `{"detail": "..."}`: 401, 405, 413, 429, 503, ... */
  | { readonly kind: 'detail'; readonly status: number; readonly detail: string; readonly retryAfterSeconds?: number }
  /** No answer within the timeout. */
  | { readonly kind: 'timeout'; readonly message: string }
  /** No answer at all: connection refused or reset, DNS, ... */
  | { readonly kind: 'network'; readonly message: string }
  /** An answer this client does not understand (not the contract's shape). */
  | { readonly kind: 'unexpected'; readonly status: number; readonly body: unknown };

/** The outcome of a call: the typed body, or why it failed. Nothing expected is thrown. */
export type AuthClientResult<T> =
  { readonly ok: true; readonly status: number; readonly data: T } | { readonly ok: false; readonly error: AuthClientError };

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call, retries included. */
  readonly signal?: AbortSignal;
}

/** A typed client of the REST contract. */
export interface AuthClient {
  /** The token sent as `Authorization: Token <key>`, if any. */
  readonly token: string | undefined;
  /** Uses `token` from now on (undefined to send none). */
  setToken(token: string | undefined): void;
  /** `POST /api/users/registration/`. */
  register(body: RegistrationRequest, options?: CallOptions): Promise<AuthClientResult<UserResponse>>;
  /** `POST /api/users/login/`; on success the new token is used for the calls that follow. */
  login(body: LoginRequest, options?: CallOptions): Promise<AuthClientResult<LoginResponse>>;
  /** `POST /api/users/logout/` (or `logout-all/` with `allTokens`); on success the token is dropped. */
  logout(options?: CallOptions & { readonly allTokens?: boolean }): Promise<AuthClientResult<{ readonly detail: string }>>;
  /** `GET /api/users/me/`; retried on network failures, timeouts and 503, as it changes nothing. */
  me(options?: CallOptions): Promise<AuthClientResult<UserResponse>>;
  /** `POST /api/users/password/change/`: every other token of the caller is revoked; this client's stays valid. */
  changePassword(body: PasswordChangeRequest, options?: CallOptions): Promise<AuthClientResult<Detail>>;
  /** `POST /api/users/password/reset/`: the same answer whether or not the email has an account. */
  requestPasswordReset(body: PasswordResetRequest, options?: CallOptions): Promise<AuthClientResult<Detail>>;
  /** `POST /api/users/password/reset/confirm/` with the emailed link's uid and token. */
  confirmPasswordReset(body: PasswordResetConfirmRequest, options?: CallOptions): Promise<AuthClientResult<Detail>>;
  /** `POST /api/users/registration/verify-email/` with the emailed link's key. */
  verifyEmail(body: VerifyEmailRequest, options?: CallOptions): Promise<AuthClientResult<Detail>>;
  /** `POST /api/users/registration/resend-email/`. */
  resendVerification(body: ResendEmailRequest, options?: CallOptions): Promise<AuthClientResult<Detail>>;
  /** `GET /api/users/tokens/`: the caller's live tokens, newest first; retried as `me` is. */
  tokens(options?: CallOptions): Promise<AuthClientResult<TokenResponse[]>>;
  /** `DELETE /api/users/tokens/{id}/`: 204 with no body. */
  revokeToken(id: string, options?: CallOptions): Promise<AuthClientResult<null>>;
  /** `POST /api/users/logout-others/`: every token of the caller but this client's is revoked. */
  logoutOthers(options?: CallOptions): Promise<AuthClientResult<Detail>>;
}

/** A plain confirmation: `{"detail": "..."}`. */
export interface Detail {
  readonly detail: string;
}

interface Request {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** Only calls that change nothing are retried, so a retry can never register or log in twice. */
  readonly idempotent: boolean;
  readonly signal: AbortSignal | undefined;
}

/** One attempt's outcome: an answer, or a failure that may be worth retrying. */
type Attempt =
  | { readonly kind: 'response'; readonly status: number; readonly body: unknown; readonly retryAfterSeconds: number | undefined }
  | { readonly kind: 'timeout' | 'network'; readonly message: string };

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    // An abort's reason is an Error (AbortError, or TimeoutError from AbortSignal.timeout).
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

/** Seconds of a `Retry-After` header given in seconds; HTTP dates are rare from this service and ignored. */
function retryAfter(header: string | null): number | undefined {
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
}

/** Reads a failure body as the contract's error shapes. */
function toError(status: number, body: unknown, retryAfterSeconds: number | undefined): AuthClientError {
  const detail = detailResponseSchema.safeParse(body);
  if (detail.success) {
    return { kind: 'detail', status, detail: detail.data.detail, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) };
  }
  const fields = fieldErrorsResponseSchema.safeParse(body);
  if (fields.success && status === 400) return { kind: 'fields', status, fields: fields.data };
  return { kind: 'unexpected', status, body };
}

/** Creates a REST client of the service at `baseUrl`. */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  let token = options.token;

  async function attempt(request: Request): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Token ${token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      const response = await fetchImpl(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? null : JSON.stringify(request.body),
        signal,
      });
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = text;
      }
      return { kind: 'response', status: response.status, body, retryAfterSeconds: retryAfter(response.headers.get('retry-after')) };
    } catch (error) {
      // The caller's own cancellation is not a failure to report but a decision to respect.
      if (request.signal?.aborted) throw request.signal.reason;
      if (timeout.aborted) return { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
      return {
        kind: 'network',
        message: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error),
      };
    }
  }

  async function call<S extends z.ZodType>(request: Request, schema: S): Promise<AuthClientResult<z.output<S>>> {
    for (let tries = 0; ; tries += 1) {
      const outcome = await attempt(request);
      const retryable = outcome.kind !== 'response' || outcome.status === 503;
      if (request.idempotent && retryable && tries < retries) {
        const backoff = retryDelayMs * 2 ** tries;
        const asked = outcome.kind === 'response' && outcome.retryAfterSeconds !== undefined ? outcome.retryAfterSeconds * 1000 : 0;
        await sleep(Math.min(Math.max(backoff, asked), maxRetryDelayMs), request.signal);
        continue;
      }
      if (outcome.kind !== 'response') return { ok: false, error: outcome };
      if (outcome.status < 200 || outcome.status >= 300) {
        return { ok: false, error: toError(outcome.status, outcome.body, outcome.retryAfterSeconds) };
      }
      const parsed = schema.safeParse(outcome.body);
      return parsed.success
        ? { ok: true, status: outcome.status, data: parsed.data }
        : { ok: false, error: { kind: 'unexpected', status: outcome.status, body: outcome.body } };
    }
  }

  /** A POST answered with a detail; never retried, as it changes state. */
  const post = (path: string, body: unknown, callOptions: CallOptions) =>
    call({ method: 'POST', path, body, idempotent: false, signal: callOptions.signal }, detailResponseSchema);

  return {
    get token() {
      return token;
    },
    setToken(next) {
      token = next;
    },
    register(body, callOptions = {}) {
      return call(
        { method: 'POST', path: '/api/users/registration/', body, idempotent: false, signal: callOptions.signal },
        userResponseSchema,
      );
    },
    async login(body, callOptions = {}) {
      const result = await call(
        { method: 'POST', path: '/api/users/login/', body, idempotent: false, signal: callOptions.signal },
        loginResponseSchema,
      );
      if (result.ok) token = result.data.key;
      return result;
    },
    async logout(callOptions = {}) {
      const path = callOptions.allTokens ? '/api/users/logout-all/' : '/api/users/logout/';
      const result = await call({ method: 'POST', path, idempotent: false, signal: callOptions.signal }, detailResponseSchema);
      if (result.ok) token = undefined;
      return result;
    },
    me(callOptions = {}) {
      return call({ method: 'GET', path: '/api/users/me/', idempotent: true, signal: callOptions.signal }, userResponseSchema);
    },
    changePassword: (body, callOptions = {}) => post('/api/users/password/change/', body, callOptions),
    requestPasswordReset: (body, callOptions = {}) => post('/api/users/password/reset/', body, callOptions),
    confirmPasswordReset: (body, callOptions = {}) => post('/api/users/password/reset/confirm/', body, callOptions),
    verifyEmail: (body, callOptions = {}) => post('/api/users/registration/verify-email/', body, callOptions),
    resendVerification: (body, callOptions = {}) => post('/api/users/registration/resend-email/', body, callOptions),
    tokens(callOptions = {}) {
      return call({ method: 'GET', path: '/api/users/tokens/', idempotent: true, signal: callOptions.signal }, tokenListResponseSchema);
    },
    revokeToken(id, callOptions = {}) {
      const path = `/api/users/tokens/${encodeURIComponent(id)}/`;
      return call({ method: 'DELETE', path, idempotent: false, signal: callOptions.signal }, z.null());
    },
    logoutOthers: (callOptions = {}) => post('/api/users/logout-others/', undefined, callOptions),
  };
}
