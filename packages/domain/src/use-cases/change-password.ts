import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { checkInput, type CommandInput } from '../input.js';
import { candidateFor, screenPassword, type PasswordRefusal } from '../password-screening.js';
import { err, ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';
import type { Authenticated } from './authenticate-token.js';

/** A password change whose fields passed the contract's validation (the new one typed twice alike). */
export interface ChangePasswordCommand {
  readonly oldPassword: string;
  readonly newPassword: string;
}

/** What a change did besides setting the password. */
export interface PasswordChange {
  /** The caller's other tokens, now revoked. */
  readonly revokedTokens: number;
}

/** Failures a password change may report. */
export type ChangePasswordError =
  Extract<DomainError, { code: 'invalid_input' | 'token_invalid' | 'throttled' | 'wrong_old_password' }> | PasswordRefusal;

/**
 * Changes the caller's password and revokes every other token of theirs, keeping the one that made
 * the call. The old password is a secret a stolen token must not let anyone guess, so checking it
 * counts against the same lockout as a login.
 */
export const changePassword =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (
    caller: Authenticated,
    input: CommandInput<ChangePasswordCommand>,
    context: RequestContext,
  ): Promise<Result<PasswordChange, ChangePasswordError>> => {
    const checked = checkInput(input);
    if (!checked.ok) return checked;
    const command = checked.value;
    // Authentication reads no password hash: the account is read whole here, where one is needed.
    const user = await deps.users.findById(caller.user.id);
    if (!user) return err(domainError('token_invalid'));
    const locked = await throttle.admitLoginAttempt(user.email, context.ip);
    if (locked) return err(locked);
    if (!(await deps.hasher.verify(command.oldPassword, user.passwordHash))) return err(domainError('wrong_old_password'));
    await throttle.forgetLoginFailures(user.email, context.ip);

    const screening = await screenPassword(deps.passwordPolicy, candidateFor(user, command.newPassword));
    if (!screening.ok) return screening;
    const passwordHash = await deps.hasher.hash(command.newPassword);
    const revokedTokens = await deps.unitOfWork.run(async (tx) => {
      await tx.users.updatePasswordHash(user.id, passwordHash);
      const revoked = await tx.tokens.deleteOthers(user.id, caller.tokenDigest);
      // A reset link mailed before the change must not undo it.
      await tx.codes.deleteForUser(user.id, 'password_reset');
      await tx.outbox.append([makeEvent(deps, 'user.password_changed', user.id, context, { revokedTokens: revoked.length })]);
      return revoked.length;
    });
    return ok({ revokedTokens });
  };
