import type { AuthDependencies } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { toPublicUser, type PublicUser } from '../user.js';

/** Disables or re-enables an account by email (admin operation). */
export const setUserActive =
  (deps: AuthDependencies) =>
  async (email: string, isActive: boolean): Promise<Result<PublicUser, Extract<DomainError, { code: 'user_not_found' }>>> => {
    const user = await deps.users.setActive(email, isActive);
    return user ? ok(toPublicUser(user)) : err(domainError('user_not_found'));
  };
