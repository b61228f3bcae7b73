/** The details of an account a password may not resemble. */
export type PersonalAttribute = 'firstName' | 'lastName' | 'email';

/** A password to screen, with the account's details it is compared against. */
export interface PasswordCandidate {
  readonly password: string;
  /** Each detail as given, or null when it is missing or invalid (then it is not compared). */
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
}

/** What is wrong with a password. */
export type PasswordProblem =
  { readonly kind: 'too_similar'; readonly attribute: PersonalAttribute } | { readonly kind: 'too_common' } | { readonly kind: 'breached' };

/**
 * What a check found: a problem, or `unverifiable` when the check could not be made (a service
 * was unreachable) and is set to refuse what it cannot clear.
 */
export type PasswordFinding = PasswordProblem | { readonly kind: 'unverifiable' };

/**
 * Screens new passwords beyond the contract's rules: resemblance to the account's details, common
 * passwords, known breaches. A check that cannot be made either passes or reports `unverifiable`,
 * as it is configured; it never throws for that.
 */
export interface PasswordPolicy {
  /** What the checks found, in the order it is reported; empty when the password is acceptable. */
  screen(candidate: PasswordCandidate): Promise<readonly PasswordFinding[]>;
}
