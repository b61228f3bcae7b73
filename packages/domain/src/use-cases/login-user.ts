import type { AuthDependencies } from '../dependencies.js';
import { capped, makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { LoginFailureReason, RequestContext } from '../events.js';
import { checkInput, type CommandInput } from '../input.js';
import { err, ok, type Result } from '../result.js';
import type { ThrottlePolicy } from '../throttle-policy.js';
import { toPublicUser, type PublicUser } from '../user.js';

/** Credentials as the caller typed them. */
export interface LoginCommand {
  readonly email: string;
  readonly password: string;
}

/** A successful login: the clear token, shown once, and its owner. */
export interface LoginSuccess {
  readonly key: string;
  readonly user: PublicUser;
  readonly expiresAt: Date;
}

/** Failures a login may report. */
export type LoginError = Extract<
  DomainError,
  { code: 'invalid_input' | 'throttled' | 'invalid_credentials' | 'account_disabled' | 'email_not_verified' }
>;

/**
 * Logs in, throttles included, so no transport can skip them: the client's rate is counted first
 * (even for a malformed request, as DRF does), then the attempt on the account, atomically and
 * before any hashing. Unknown emails, wrong passwords and disabled accounts all spend one full
 * hash verification, so timing does not reveal which emails exist; success forgets the failures.
 */
export const loginUser =
  (deps: AuthDependencies, throttle: ThrottlePolicy) =>
  async (input: CommandInput<LoginCommand>, context: RequestContext): Promise<Result<LoginSuccess, LoginError>> => {
    const overRate = await throttle.admitClient('login', context.ip);
    if (overRate) return err(overRate);
    const checked = checkInput(input);
    if (!checked.ok) return checked;
    // The rest waits for the hasher to have room: a burst of logins then does its database work as
    // hashes finish, not all at once ahead of every other request. A client over its rate was
    // refused above, without waiting its turn.
    return deps.hasher.admit(() => checkCredentials(deps, throttle, checked.value, context));
  };

/** A login past its rate check: the account's lockout, the password, then the token. */
async function checkCredentials(
  deps: AuthDependencies,
  throttle: ThrottlePolicy,
  command: LoginCommand,
  context: RequestContext,
): Promise<Result<LoginSuccess, LoginError>> {
  const locked = await throttle.admitLoginAttempt(command.email, context.ip);
  if (locked) return err(locked);

  const user = await deps.users.findByEmail(command.email);
  const matches = await deps.hasher.verify(command.password, user?.passwordHash ?? null);

  if (!user || !matches || !user.isActive) {
    const reason: LoginFailureReason = user && matches ? 'disabled' : 'bad_credentials';
    await deps.unitOfWork.run((tx) =>
      tx.outbox.append([makeEvent(deps, 'user.login_failed', user?.id ?? null, context, { email: command.email, reason })]),
    );
    return err(domainError(reason === 'disabled' ? 'account_disabled' : 'invalid_credentials'));
  }
  if (deps.settings.requireEmailVerification && !user.emailVerified) {
    // The password was right, so the failures are not forgotten: only a usable login clears them.
    await deps.unitOfWork.run((tx) =>
      tx.outbox.append([makeEvent(deps, 'user.login_failed', user.id, context, { email: command.email, reason: 'unverified' })]),
    );
    return err(domainError('email_not_verified'));
  }

  await throttle.forgetLoginFailures(command.email, context.ip);
  const upgradedHash = deps.hasher.needsRehash(user.passwordHash) ? await deps.hasher.hash(command.password) : null;
  const key = deps.secrets.generate();
  const createdAt = deps.clock.now();
  const expiresAt = new Date(createdAt.getTime() + deps.settings.tokenTtlSeconds * 1000);
  const limit = deps.settings.tokenLimitPerUser;

  await deps.unitOfWork.run(async (tx) => {
    if (upgradedHash) await tx.users.updatePasswordHash(user.id, upgradedHash);
    await tx.tokens.save({
      id: deps.ids.uuid(),
      digest: deps.secrets.digest(key),
      userId: user.id,
      createdAt,
      expiresAt,
      ip: context.ip,
      userAgent: capped(context.userAgent),
    });
    if (limit !== null) await tx.tokens.deleteOldestBeyond(user.id, limit);
    await tx.outbox.append([makeEvent(deps, 'user.logged_in', user.id, context, {})]);
  });
  return ok({ key, user: toPublicUser(user), expiresAt });
}
