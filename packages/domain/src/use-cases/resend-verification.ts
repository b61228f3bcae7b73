import { admitEmailAsk, sendEmailVerification, type EmailAskError } from '../account-emails.js';
import type { AuthDependencies } from '../dependencies.js';
import type { RequestContext } from '../events.js';
import type { CommandInput } from '../input.js';
import { ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';

/** Whose verification email to send again. */
export interface ResendVerificationCommand {
  readonly email: string;
}

/** Failures a resend may report; never whether the email has an account. */
export type ResendVerificationError = EmailAskError;

/** Queues a fresh verification email for an active, unverified account with this email; answers the same for any other. */
export const resendVerification =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (input: CommandInput<ResendVerificationCommand>, context: RequestContext): Promise<Result<void, ResendVerificationError>> => {
    const admitted = await admitEmailAsk(deps, throttle, 'verification_resend', input, context);
    if (!admitted.ok) return admitted;
    const { account } = admitted.value;
    if (account && !account.emailVerified) await deps.unitOfWork.run((tx) => sendEmailVerification(deps, tx, account));
    return ok(undefined);
  };
