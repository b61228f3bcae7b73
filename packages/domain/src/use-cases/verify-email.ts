import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { checkInput, type CommandInput } from '../input.js';
import { err, ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';

/** The key of a verification link. */
export interface VerifyEmailCommand {
  readonly key: string;
}

/** Failures a verification may report. */
export type VerifyEmailError = Extract<DomainError, { code: 'invalid_input' | 'throttled' | 'not_found' }>;

/** Marks the email of the key's account verified, spending the key (and any other the account was sent) atomically. */
export const verifyEmail =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (input: CommandInput<VerifyEmailCommand>, context: RequestContext): Promise<Result<void, VerifyEmailError>> => {
    const overRate = await throttle.admitClient('email_verification', context.ip);
    if (overRate) return err(overRate);
    const checked = checkInput(input);
    if (!checked.ok) return checked;
    const digest = deps.secrets.digest(checked.value.key);
    const verified = await deps.unitOfWork.run(async (tx) => {
      const code = await tx.codes.consume('email_verification', digest, deps.clock.now());
      const user = code && (await tx.users.markEmailVerified(code.userId));
      if (!user) return false;
      await tx.codes.deleteForUser(user.id, 'email_verification');
      await tx.outbox.append([makeEvent(deps, 'user.email_verified', user.id, context, { email: user.email })]);
      return true;
    });
    return verified ? ok(undefined) : err(domainError('not_found'));
  };
