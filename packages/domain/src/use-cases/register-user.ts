import { sendEmailVerification } from '../account-emails.js';
import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { checkInput, type CommandInput, type InvalidCommand, type InvalidInput } from '../input.js';
import { screenPassword, type PasswordRefusal } from '../password-screening.js';
import type { PasswordProblem } from '../ports/index.js';
import { err, ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';
import { toPublicUser, type PublicUser } from '../user.js';

/** A registration whose fields passed the contract's validation. */
export interface RegisterUserCommand {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly password: string;
}

/** Failures a registration may report. */
export type RegisterUserError = Extract<DomainError, { code: 'email_taken' | 'throttled' | 'invalid_input' }> | PasswordRefusal;

/**
 * What DRF and Django report beside a refused registration's field errors: a taken email (a
 * unique field is checked with the others) and the password policy's findings (Django runs its
 * validators whatever else is wrong), each against the fields that were valid themselves.
 */
async function withRegistrationChecks(deps: AuthDependencies, invalid: InvalidCommand<RegisterUserCommand>): Promise<InvalidInput> {
  const { fields, readable = {} } = invalid;
  const emailTaken = !fields.email && readable.email !== undefined && (await deps.users.findByEmail(readable.email)) !== null;
  let passwordProblems: readonly PasswordProblem[] = [];
  if (readable.password !== undefined) {
    const screening = await screenPassword(deps.passwordPolicy, {
      password: readable.password,
      firstName: readable.firstName ?? null,
      lastName: readable.lastName ?? null,
      email: readable.email ?? null,
    });
    // An unreachable check adds nothing here: the registration is refused anyway.
    if (!screening.ok && screening.error.code === 'password_rejected') passwordProblems = screening.error.problems;
  }
  return { code: 'invalid_input', fields, emailTaken, passwordProblems };
}

/**
 * Registers, throttle included: the client's rate is counted first (even for a malformed request,
 * as DRF does), then the input is checked, then the account is created with a verification email
 * queued in the same transaction, or the email is reported taken (checked again by the unique
 * index) or the password refused by the policy.
 */
export const registerUser =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (input: CommandInput<RegisterUserCommand>, context: RequestContext): Promise<Result<PublicUser, RegisterUserError>> => {
    const overRate = await throttle.admitClient('registration', context.ip);
    if (overRate) return err(overRate);
    const checked = checkInput(input);
    if (!checked.ok) return err(await withRegistrationChecks(deps, checked.error));
    const command = checked.value;
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
      await sendEmailVerification(deps, tx, user);
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
