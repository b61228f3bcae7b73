import { classifyDatabaseError } from '@authsvc/adapter-postgres';
import { messages } from '@authsvc/contracts';
import type { DomainError, FieldMessages, PlainErrorCode } from '@authsvc/domain';
import { invalidInputBody, passwordMessages } from './password-screening.js';

/** A DRF error body: field-keyed messages, or one `detail`. */
export type ErrorBody = FieldMessages | { readonly detail: string };

/** tRPC error codes the edge uses, named as tRPC names them. */
export type RpcErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  | 'METHOD_NOT_SUPPORTED';

/** How one domain error reads over REST (status, body and any headers). */
export interface ErrorMapping {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The one table from domain error codes to REST statuses and DRF bodies (see `errorMapping` for the rest). */
export const errorTable: Record<PlainErrorCode, ErrorMapping> = {
  email_taken: { status: 400, body: { email: [messages.emailTaken] } },
  invalid_credentials: { status: 400, body: { non_field_errors: [messages.invalidCredentials] } },
  account_disabled: { status: 400, body: { non_field_errors: [messages.accountDisabled] } },
  not_authenticated: { status: 401, body: { detail: messages.notAuthenticated } },
  token_invalid: { status: 401, body: { detail: messages.invalidToken } },
  token_expired: { status: 401, body: { detail: messages.tokenExpired } },
  user_inactive: { status: 401, body: { detail: messages.userInactive } },
  user_not_found: { status: 404, body: { detail: messages.notFound } },
  // The password may be fine: the breach check could not be made and is set to refuse (DRF's 503).
  password_check_unavailable: { status: 503, body: { detail: messages.serviceUnavailable } },
  email_not_verified: { status: 400, body: { non_field_errors: [messages.emailNotVerified] } },
  wrong_old_password: { status: 400, body: { old_password: [messages.oldPasswordIncorrect] } },
  reset_uid_invalid: { status: 400, body: { uid: [messages.invalidValue] } },
  reset_token_invalid: { status: 400, body: { token: [messages.invalidValue] } },
  not_found: { status: 404, body: { detail: messages.notFound } },
};

/** The field a refused new password is reported under: registration's `password1`, or Django's SetPasswordForm's `new_password2`. */
export type NewPasswordField = 'password1' | 'new_password2';

/** How a domain error reads over REST: the table's entry, or the body its details make. */
export function errorMapping(error: DomainError, passwordField: NewPasswordField = 'password1'): ErrorMapping {
  switch (error.code) {
    case 'invalid_input':
      return { status: 400, body: invalidInputBody(error) };
    case 'password_rejected':
      return { status: 400, body: { [passwordField]: passwordMessages(error.problems) } };
    case 'throttled':
      // DRF's answer: the wait in the message and in `Retry-After`.
      return {
        status: 429,
        body: { detail: messages.throttled(error.retryAfterSeconds) },
        headers: { 'Retry-After': String(error.retryAfterSeconds) },
      };
    default:
      return errorTable[error.code];
  }
}

const unavailable: ErrorMapping = { status: 503, body: { detail: messages.serviceUnavailable } };

/**
 * How an unexpected failure reads, on both transports: a value the database refused is the
 * request's fault (400), a database away or a deadline passed is a 503 to retry, and anything
 * else a bare 500 that shows no SQL, message or stack.
 */
export function faultMapping(error: unknown): ErrorMapping {
  switch (classifyDatabaseError(error)) {
    case 'bad_input':
      return { status: 400, body: { detail: messages.malformedRequest } };
    case 'unavailable':
    case 'timeout':
      return unavailable;
    case 'bug':
      return { status: 500, body: { detail: messages.serverError } };
  }
}

const rpcCodes: Record<number, RpcErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** The tRPC code for a REST status, so both transports classify a failure alike. */
export const rpcCodeFor = (status: number): RpcErrorCode => rpcCodes[status] ?? 'INTERNAL_SERVER_ERROR';
