import type { PasswordProblem } from './ports/index.js';

/** Messages per field, as DRF reports a request that failed validation. */
export type FieldMessages = Readonly<Record<string, readonly string[]>>;

/**
 * Every expected failure the use cases report, by code. The HTTP and tRPC edges map each code
 * to a status and a message in one table; nothing else in the domain knows about transports.
 */
export type DomainError =
  | {
      readonly code: 'invalid_input';
      /** The contract's field errors. */
      readonly fields: FieldMessages;
      /** Registration: the email, valid itself, is taken (DRF checks a unique field beside the others). */
      readonly emailTaken?: boolean;
      /** Registration: what the password policy found, as Django runs its validators whatever else is wrong. */
      readonly passwordProblems?: readonly PasswordProblem[];
    }
  | { readonly code: 'throttled'; readonly retryAfterSeconds: number }
  | { readonly code: 'email_taken' }
  | { readonly code: 'invalid_credentials' }
  | { readonly code: 'account_disabled' }
  | { readonly code: 'not_authenticated' }
  | { readonly code: 'token_invalid' }
  | { readonly code: 'token_expired' }
  | { readonly code: 'user_inactive' }
  | { readonly code: 'user_not_found' }
  | { readonly code: 'password_rejected'; readonly problems: readonly PasswordProblem[] }
  | { readonly code: 'password_check_unavailable' }
  | { readonly code: 'email_not_verified' }
  | { readonly code: 'wrong_old_password' }
  | { readonly code: 'reset_uid_invalid' }
  | { readonly code: 'reset_token_invalid' }
  /** What the caller named (a token id, a verification key) does not exist for them. */
  | { readonly code: 'not_found' };

/** The code of a domain error. */
export type DomainErrorCode = DomainError['code'];

/** The codes whose error carries nothing but the code. */
export type PlainErrorCode = Exclude<DomainErrorCode, 'invalid_input' | 'throttled' | 'password_rejected'>;

/** Builds a domain error that carries nothing but its code. */
export const domainError = <C extends PlainErrorCode>(code: C): Extract<DomainError, { code: C }> =>
  ({ code }) as Extract<DomainError, { code: C }>;

/** A refusal by a throttle, retryable after the given whole seconds. */
export const throttled = (retryAfterSeconds: number): Extract<DomainError, { code: 'throttled' }> => ({
  code: 'throttled',
  retryAfterSeconds,
});
