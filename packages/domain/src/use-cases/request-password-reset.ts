import { sendPasswordReset } from '../account-emails.js';
import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import type { DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { checkInput, type CommandInput } from '../input.js';
import { err, ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';

/** Whose password to reset. */
export interface RequestPasswordResetCommand {
  readonly email: string;
}

/** Failures a reset request may report; never whether the email has an account. */
export type RequestPasswordResetError = Extract<DomainError, { code: 'invalid_input' | 'throttled' }>;

/**
 * Queues a reset email for the account with this email, if there is an active one, and answers
 * the same either way: the throttles count every address and email alike, and both paths write
 * one transaction with the request's event, so neither the answer nor its time tells whether the
 * account exists. The token and the email carrying it commit together, or not at all.
 */
export const requestPasswordReset =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (input: CommandInput<RequestPasswordResetCommand>, context: RequestContext): Promise<Result<void, RequestPasswordResetError>> => {
    const overRate = await throttle.admitClient('password_reset', context.ip);
    if (overRate) return err(overRate);
    const checked = checkInput(input);
    if (!checked.ok) return checked;
    const { email } = checked.value;
    const overRecipient = await throttle.admitRecipient('password_reset', email);
    if (overRecipient) return err(overRecipient);

    const user = await deps.users.findByEmail(email);
    const account = user?.isActive ? user : null;
    await deps.unitOfWork.run(async (tx) => {
      if (account) await sendPasswordReset(deps, tx, account);
      await tx.outbox.append([makeEvent(deps, 'user.password_reset_requested', account?.id ?? null, context, { email })]);
    });
    return ok(undefined);
  };
