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
  | { readonly code: 'user_not_found' };

/** The code of a domain error. */
export type DomainErrorCode = DomainError['code'];

/** Builds a domain error from its code. */
export const domainError = <C extends DomainErrorCode>(code: C): Extract<DomainError, { code: C }> =>
  ({ code }) as Extract<DomainError, { code: C }>;
