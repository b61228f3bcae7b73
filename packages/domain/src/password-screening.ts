import { domainError, type DomainError } from './errors.js';
import type { PasswordCandidate, PasswordPolicy, PasswordProblem } from './ports/index.js';
import { err, ok, type Result } from './result.js';
import type { User } from './user.js';

/** A new password of an existing account, to be screened against the account's details. */
export const candidateFor = (user: User, password: string): PasswordCandidate => ({
  password,
  firstName: user.firstName,
  lastName: user.lastName,
  email: user.email,
});

/** Why a new password was not accepted. */
export type PasswordRefusal = Extract<DomainError, { code: 'password_rejected' | 'password_check_unavailable' }>;

/** Screens with every policy at once and reports their problems in the order the policies are given. */
export function combinePasswordPolicies(policies: readonly PasswordPolicy[]): PasswordPolicy {
  return {
    async screen(candidate) {
      return (await Promise.all(policies.map((policy) => policy.screen(candidate)))).flat();
    },
  };
}

/**
 * The one gate every use case that sets a password goes through before hashing it. A problem with
 * the password refuses it; a check that could not be made (and is set to refuse) refuses it as
 * unavailable only when nothing else is wrong, since the password itself may be fine.
 */
export async function screenPassword(policy: PasswordPolicy, candidate: PasswordCandidate): Promise<Result<void, PasswordRefusal>> {
  const findings = await policy.screen(candidate);
  const problems = findings.filter((finding): finding is PasswordProblem => finding.kind !== 'unverifiable');
  if (problems.length > 0) return err({ code: 'password_rejected', problems });
  if (findings.length > 0) return err(domainError('password_check_unavailable'));
  return ok(undefined);
}
