import { decodeUid } from '../account-emails.js';
import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { checkInput, type CommandInput } from '../input.js';
import { candidateFor, screenPassword, type PasswordRefusal } from '../password-screening.js';
import { err, ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';

/** A reset link's uid and token with the new password (typed twice alike, as the contract checked). */
export interface ConfirmPasswordResetCommand {
  readonly uid: string;
  readonly token: string;
  readonly newPassword: string;
}

/** What a reset did besides setting the password. */
export interface PasswordReset {
  /** Every token of the user, now revoked. */
  readonly revokedTokens: number;
}

/** Failures a reset confirmation may report. */
export type ConfirmPasswordResetError =
  Extract<DomainError, { code: 'invalid_input' | 'throttled' | 'reset_uid_invalid' | 'reset_token_invalid' }> | PasswordRefusal;

/**
 * Sets a new password with an emailed reset token and revokes every token of the user. The token
 * is checked as dj-rest-auth does (uid, then token, then the password), but spent only in the
 * transaction that sets the password, atomically: a refused password keeps the link usable, and
 * of two concurrent confirmations only one succeeds. Every other reset link of the user dies too.
 */
export const confirmPasswordReset =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (
    input: CommandInput<ConfirmPasswordResetCommand>,
    context: RequestContext,
  ): Promise<Result<PasswordReset, ConfirmPasswordResetError>> => {
    const overRate = await throttle.admitClient('password_reset_confirm', context.ip);
    if (overRate) return err(overRate);
    const checked = checkInput(input);
    if (!checked.ok) return checked;
    const command = checked.value;

    const userId = decodeUid(command.uid);
    const user = userId === null ? null : await deps.users.findById(userId);
    if (!user) return err(domainError('reset_uid_invalid'));
    const digest = deps.secrets.digest(command.token);
    const code = await deps.codes.find('password_reset', digest, deps.clock.now());
    if (code?.userId !== user.id) return err(domainError('reset_token_invalid'));

    const screening = await screenPassword(deps.passwordPolicy, candidateFor(user, command.newPassword));
    if (!screening.ok) return screening;
    const passwordHash = await deps.hasher.hash(command.newPassword);
    const revokedTokens = await deps.unitOfWork.run(async (tx) => {
      const spent = await tx.codes.consume('password_reset', digest, deps.clock.now());
      if (spent?.userId !== user.id) return null;
      await tx.users.updatePasswordHash(user.id, passwordHash);
      const revoked = await tx.tokens.deleteAllForUser(user.id);
      await tx.codes.deleteForUser(user.id, 'password_reset');
      await tx.outbox.append([makeEvent(deps, 'user.password_reset', user.id, context, { revokedTokens: revoked })]);
      return revoked;
    });
    return revokedTokens === null ? err(domainError('reset_token_invalid')) : ok({ revokedTokens });
  };
