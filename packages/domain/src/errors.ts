import type { PasswordProblem } from './ports/index.js';

/**
 * Every expected failure the use cases report, by code. The HTTP and tRPC edges map each code
 * to a status and a message in one table; nothing else in the domain knows about transports.
 */
export type DomainError =
  | { readonly code: 'email_taken' }
  | { readonly code: 'invalid_credentials' }
  | { readonly code: 'account_disabled' }
  | { readonly code: 'not_authenticated' }
  | { readonly code: 'token_invalid' }
  | { readonly code: 'token_expired' }
  | { readonly code: 'user_inactive' }
  | { readonly code: 'user_not_found' }
  | { readonly code: 'password_rejected'; readonly problems: readonly PasswordProblem[] }
  | { readonly code: 'password_check_unavailable' };

/** The code of a domain error. */
export type DomainErrorCode = DomainError['code'];

/** The codes of the errors that carry nothing but their code. */
export type PlainErrorCode = Exclude<DomainErrorCode, 'password_rejected'>;

/** Builds a domain error that carries nothing but its code. */
export const domainError = <C extends PlainErrorCode>(code: C): Extract<DomainError, { code: C }> =>
  ({ code }) as Extract<DomainError, { code: C }>;
