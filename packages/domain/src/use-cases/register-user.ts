import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { screenPassword, type PasswordRefusal } from '../password-screening.js';
import { err, ok, type Result } from '../result.js';
import { toPublicUser, type PublicUser } from '../user.js';

/** A registration whose fields passed the contract's validation. */
export interface RegisterUserCommand {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly password: string;
}

/**
 * Creates an account, or reports that the email is taken (checked again by the unique index) or
 * that the password policy refuses the password.
 */
export const registerUser =
  (deps: AuthDependencies) =>
  async (
    command: RegisterUserCommand,
    context: RequestContext,
  ): Promise<Result<PublicUser, Extract<DomainError, { code: 'email_taken' }> | PasswordRefusal>> => {
    // Spare the hashing work for the common case; the insert below settles races.
    if (await deps.users.findByEmail(command.email)) return err(domainError('email_taken'));
    const screening = await screenPassword(deps.passwordPolicy, command);
    if (!screening.ok) return screening;
    const passwordHash = await deps.hasher.hash(command.password);
    const created = await deps.unitOfWork.run(async (tx) => {
      const user = await tx.users.create({
        firstName: command.firstName,
        lastName: command.lastName,
        email: command.email,
        passwordHash,
        createdAt: deps.clock.now(),
      });
      if (!user) return null;
      await tx.outbox.append([
        makeEvent(deps, 'user.registered', user.id, context, {
          email: user.email,
          firstName: user.firstName,
          lastName: user.lastName,
        }),
      ]);
      return user;
    });
    return created ? ok(toPublicUser(created)) : err(domainError('email_taken'));
  };
