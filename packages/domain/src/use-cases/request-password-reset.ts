import { admitEmailAsk, sendPasswordReset, type EmailAskError } from '../account-emails.js';
import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import type { RequestContext } from '../events.js';
import type { CommandInput } from '../input.js';
import { ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';

/** Whose password to reset. */
export interface RequestPasswordResetCommand {
  readonly email: string;
}

/** Failures a reset request may report; never whether the email has an account. */
export type RequestPasswordResetError = EmailAskError;

/**
 * Queues a reset email for the account with this email, if there is an active one, and answers
 * the same either way: the throttles count every address and email alike, and both paths write
 * one transaction with the request's event, so neither the answer nor its time tells whether the
 * account exists. The token and the email carrying it commit together, or not at all.
 */
export const requestPasswordReset =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (input: CommandInput<RequestPasswordResetCommand>, context: RequestContext): Promise<Result<void, RequestPasswordResetError>> => {
    const admitted = await admitEmailAsk(deps, throttle, 'password_reset', input, context);
    if (!admitted.ok) return admitted;
    const { email, account } = admitted.value;
    await deps.unitOfWork.run(async (tx) => {
      if (account) await sendPasswordReset(deps, tx, account);
      await tx.outbox.append([makeEvent(deps, 'user.password_reset_requested', account?.id ?? null, context, { email })]);
    });
    return ok(undefined);
  };
