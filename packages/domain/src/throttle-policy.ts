import { throttled, type DomainError } from './errors.js';
import type { AttemptRule, Clock, ThrottleKey, ThrottleStore } from './ports/index.js';
import { normalizeEmail } from './user.js';

/** At most `requests` in each window of `windowSeconds`, as DRF writes `10/min`. */
export interface RateLimit {
  readonly requests: number;
  readonly windowSeconds: number;
}

/** Backoff of failed logins on one key: after a few failures, lockouts that double up to a cap. */
export interface LockoutSettings {
  /** Failures allowed before the first lockout. */
  readonly failuresBeforeLockout: number;
  /** The first lockout; each further failure doubles it. */
  readonly baseSeconds: number;
  /** The longest lockout, short so that an attacker cannot keep the real user out for long. */
  readonly maxSeconds: number;
  /** How long failures are remembered, counted from the first of them. */
  readonly failureWindowSeconds: number;
}

/** What the throttles allow; a null limit is off. */
export interface ThrottleSettings {
  /** Login attempts per client address. */
  readonly loginRate: RateLimit | null;
  /** Registrations per client address. */
  readonly registrationRate: RateLimit | null;
  /** Emails asked for (password resets, verification resends), per client address and per recipient, so nobody can mail-bomb an inbox. */
  readonly passwordResetRate: RateLimit | null;
  /** Failed-login backoff per account and client address: one address guessing locks out only itself. */
  readonly lockout: LockoutSettings | null;
  /** Failed-login backoff per account across all addresses, so a distributed guesser is bounded too. */
  readonly accountLockout: LockoutSettings | null;
}

/** A refusal by a throttle. */
export type Throttled = Extract<DomainError, { code: 'throttled' }>;

/**
 * The actions limited per client address. Those that check a secret (a password, a reset token,
 * a verification key) share the login rate; those that send an email, the password reset rate.
 */
export type ThrottledAction =
  'login' | 'registration' | 'password_reset' | 'password_reset_confirm' | 'verification_resend' | 'email_verification';

/** The actions that send an email, limited per recipient as well. */
export type MailingAction = Extract<ThrottledAction, 'password_reset' | 'verification_resend'>;

// A throttled answer promises at least one second, as DRF's rounding up does.
const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** Lockout after the `failures`-th failure: nothing below the threshold, then doubling up to the cap. */
export function lockoutSeconds(settings: LockoutSettings, failures: number): number {
  if (failures < settings.failuresBeforeLockout) return 0;
  const doublings = failures - settings.failuresBeforeLockout;
  // Past ~30 doublings the power overflows any sane cap; stop computing it there.
  return Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** Math.min(doublings, 30));
}

/** The store's rule for a lockout: the schedule of `lockoutSeconds` from the threshold until it reaches the cap. */
export function attemptRule(settings: LockoutSettings): AttemptRule {
  const blockSeconds: number[] = [];
  for (let failures = settings.failuresBeforeLockout; ; failures += 1) {
    const seconds = lockoutSeconds(settings, failures);
    blockSeconds.push(seconds);
    if (seconds >= settings.maxSeconds || blockSeconds.length > 30) break;
  }
  return { windowSeconds: settings.failureWindowSeconds, blockFromAttempt: settings.failuresBeforeLockout, blockSeconds };
}

/**
 * Throttling of logins and registrations: a fixed-window rate per client address, and a growing
 * backoff after failed logins, per account and address and per account. A login attempt is counted
 * before its password is checked, atomically, so concurrent guesses cannot pass the limit together.
 * Accounts are keyed by their normalised email whether or not they exist, so the throttle's answers
 * do not tell which emails are registered.
 */
export function createThrottlePolicy(deps: { readonly store: ThrottleStore; readonly clock: Clock }, settings: ThrottleSettings) {
  const perAddress = settings.lockout && attemptRule(settings.lockout);
  const perAccount = settings.accountLockout && attemptRule(settings.accountLockout);
  // An address cannot contain '|', so the pair reads back one way only.
  const addressKey = (email: string, client: string | null) => `${client ?? 'unknown'}|${normalizeEmail(email)}`;

  const rates: Record<ThrottledAction, RateLimit | null> = {
    login: settings.loginRate,
    registration: settings.registrationRate,
    password_reset: settings.passwordResetRate,
    password_reset_confirm: settings.loginRate,
    verification_resend: settings.passwordResetRate,
    email_verification: settings.loginRate,
  };

  /** Counts one hit on `scope`/`key` against `rate`; null when it is within the rate. */
  async function admitHit(rate: RateLimit | null, scope: string, key: string): Promise<Throttled | null> {
    if (!rate) return null;
    const now = deps.clock.now();
    const counter = await deps.store.hit(scope, key, rate.windowSeconds, now);
    return counter.hits <= rate.requests ? null : throttled(secondsUntil(counter.windowEndsAt, now));
  }

  return {
    /** Counts a request of `action` from `client`; null when it is within the rate. */
    admitClient: (action: ThrottledAction, client: string | null): Promise<Throttled | null> =>
      admitHit(rates[action], `${action}:client`, client ?? 'unknown'),

    /** Counts an email `action` would send to `email`, whether or not an account has it; null when it is within the rate. */
    admitRecipient: (action: MailingAction, email: string): Promise<Throttled | null> =>
      admitHit(rates[action], `${action}:recipient`, normalizeEmail(email)),

    /**
     * Counts a login attempt on `email` from `client` before its password is checked; null when it
     * may be checked. The account-wide counter only sees attempts its address was allowed, so one
     * address hammering an account locks out itself, not the user elsewhere.
     */
    async admitLoginAttempt(email: string, client: string | null): Promise<Throttled | null> {
      const now = deps.clock.now();
      if (perAddress) {
        const outcome = await deps.store.attempt('login:account-address', addressKey(email, client), perAddress, now);
        if (!outcome.admitted) return throttled(secondsUntil(outcome.blockedUntil, now));
      }
      if (perAccount) {
        const outcome = await deps.store.attempt('login:account', normalizeEmail(email), perAccount, now);
        if (!outcome.admitted) return throttled(secondsUntil(outcome.blockedUntil, now));
      }
      return null;
    },

    /** Forgets the failed attempts of `email` from `client` and on the account, after a successful login. */
    async forgetLoginFailures(email: string, client: string | null): Promise<void> {
      const counters: ThrottleKey[] = [];
      if (perAddress) counters.push({ scope: 'login:account-address', key: addressKey(email, client) });
      if (perAccount) counters.push({ scope: 'login:account', key: normalizeEmail(email) });
      // One step for both: every successful login pays for it. With no lockout the list is empty, which the store skips.
      await deps.store.clear(counters);
    },

    /** Deletes up to `limit` counters that no longer matter; returns how many. */
    purgeExpired: (limit: number): Promise<number> => deps.store.purgeExpired(deps.clock.now(), limit),
  };
}

/** The throttles as the use cases see them. */
export type ThrottlePolicy = ReturnType<typeof createThrottlePolicy>;
