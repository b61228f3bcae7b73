import { sendEmailVerification } from '../account-emails.js';
import type { AuthDependencies } from '../dependencies.js';
import type { DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { checkInput, type CommandInput } from '../input.js';
import { err, ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';

/** Whose verification email to send again. */
export interface ResendVerificationCommand {
  readonly email: string;
}

/** Failures a resend may report; never whether the email has an account. */
export type ResendVerificationError = Extract<DomainError, { code: 'invalid_input' | 'throttled' }>;

/** Queues a fresh verification email for an active, unverified account with this email; answers the same for any other. */
export const resendVerification =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (input: CommandInput<ResendVerificationCommand>, context: RequestContext): Promise<Result<void, ResendVerificationError>> => {
    const overRate = await throttle.admitClient('verification_resend', context.ip);
    if (overRate) return err(overRate);
    const checked = checkInput(input);
    if (!checked.ok) return checked;
    const { email } = checked.value;
    const overRecipient = await throttle.admitRecipient('verification_resend', email);
    if (overRecipient) return err(overRecipient);
    const user = await deps.users.findByEmail(email);
    if (user?.isActive && !user.emailVerified) await deps.unitOfWork.run((tx) => sendEmailVerification(deps, tx, user));
    return ok(undefined);
  };
