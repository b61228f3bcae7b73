import type { AuthDependencies } from './dependencies.js';
import type { DomainError } from './errors.js';
import type { RequestContext } from './events.js';
import { checkInput, type CommandInput } from './input.js';
import type { AccountCodePurpose, TransactionalPorts } from './ports/index.js';
import { err, ok, type Result } from './result.js';
import type { MailingAction, ThrottlePolicy } from './throttle-policy.js';
import type { User } from './user.js';

/** The account's id as a reset link carries it: base 36, as django-allauth writes integer keys. */
export const encodeUid = (userId: number): string => userId.toString(36);

// Beyond PostgreSQL's `integer` no account exists; the cap also keeps parseInt exact.
const MAX_USER_ID = 2_147_483_647;

/** The account id a reset link's uid names, or null when it names none that can exist. */
export function decodeUid(uid: string): number | null {
  if (!/^[0-9a-z]{1,7}$/i.test(uid)) return null;
  const id = Number.parseInt(uid, 36);
  return id >= 1 && id <= MAX_USER_ID ? id : null;
}

type EmailDependencies = Pick<AuthDependencies, 'secrets' | 'clock' | 'settings'>;

/** Mints a one-time code for the user and stores its digest in `tx`; returns the clear secret, for the email only. */
async function issueCode(deps: EmailDependencies, tx: TransactionalPorts, user: User, purpose: AccountCodePurpose): Promise<string> {
  const secret = deps.secrets.generate();
  const createdAt = deps.clock.now();
  const ttlSeconds =
    purpose === 'password_reset' ? deps.settings.passwordResetTimeoutSeconds : deps.settings.emailVerificationTimeoutSeconds;
  await tx.codes.save({
    digest: deps.secrets.digest(secret),
    purpose,
    userId: user.id,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + ttlSeconds * 1000),
  });
  return secret;
}

/** Queues a password reset email in `tx`, with a fresh token whose digest commits with it. */
export async function sendPasswordReset(deps: EmailDependencies, tx: TransactionalPorts, user: User): Promise<void> {
  const token = await issueCode(deps, tx, user, 'password_reset');
  await tx.mail.enqueue({ kind: 'password_reset', to: user.email, firstName: user.firstName, uid: encodeUid(user.id), token });
}

/** Queues a verification email in `tx`, with a fresh key whose digest commits with it. */
export async function sendEmailVerification(deps: EmailDependencies, tx: TransactionalPorts, user: User): Promise<void> {
  const key = await issueCode(deps, tx, user, 'email_verification');
  await tx.mail.enqueue({ kind: 'email_verification', to: user.email, firstName: user.firstName, key });
}

/** An address that asked for an email: the active account behind it, or null (nothing tells which). */
export interface EmailAsk {
  readonly email: string;
  readonly account: User | null;
}

/** Failures of a request for an email; never whether the address has an account. */
export type EmailAskError = Extract<DomainError, { code: 'invalid_input' | 'throttled' }>;

/**
 * The start every request for an email shares: the client's rate, the input's check, the
 * recipient's rate (so nobody can mail-bomb an inbox), then the lookup of an active account.
 */
export async function admitEmailAsk(
  deps: Pick<AuthDependencies, 'users'>,
  throttle: ThrottlePolicy,
  action: MailingAction,
  input: CommandInput<{ readonly email: string }>,
  context: RequestContext,
): Promise<Result<EmailAsk, EmailAskError>> {
  const overRate = await throttle.admitClient(action, context.ip);
  if (overRate) return err(overRate);
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  const { email } = checked.value;
  const overRecipient = await throttle.admitRecipient(action, email);
  if (overRecipient) return err(overRecipient);
  const user = await deps.users.findByEmail(email);
  return ok({ email, account: user?.isActive ? user : null });
}
