import type { Clock, ThrottleStore } from './ports/index.js';
import { emailKey } from './user.js';

/** At most `requests` in each window of `windowSeconds`, as DRF writes `10/min`. */
export interface RateLimit {
  readonly requests: number;
  readonly windowSeconds: number;
}

/** Backoff of failed logins per account: after a few failures, lockouts that double up to a cap. */
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
  /** Failed-login backoff per account. */
  readonly lockout: LockoutSettings | null;
}

/** Whether a request may go on, and if not, in how many whole seconds it may be retried. */
export type ThrottleDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** A login allowed to try its password, and whether its account has failures to forget on success. */
export type AccountGate = ThrottleDecision & { readonly hasFailures?: boolean };

/** The actions limited per client address. */
export type ThrottledAction = 'login' | 'registration';

const ALLOWED = { allowed: true } as const;

// A throttled answer promises at least one second, as DRF's rounding up does.
const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** Lockout after the `failures`-th failure: nothing below the threshold, then doubling up to the cap. */
export function lockoutSeconds(settings: LockoutSettings, failures: number): number {
  if (failures < settings.failuresBeforeLockout) return 0;
  const doublings = failures - settings.failuresBeforeLockout;
  // Past ~30 doublings the power overflows any sane cap; stop computing it there.
  return Math.min(settings.maxSeconds, settings.baseSeconds * 2 ** Math.min(doublings, 30));
}

/**
 * Throttling of logins and registrations: a fixed-window rate per client address, and a growing
 * backoff per account after failed logins. Accounts are keyed by their email as lookups compare it,
 * whether or not they exist, so the throttle's answers do not tell which emails are registered.
 */
export function createThrottlePolicy(deps: { readonly store: ThrottleStore; readonly clock: Clock }, settings: ThrottleSettings) {
  return {
    /** Counts a request of `action` from `client` and says whether it is within the rate. */
    async admitClient(action: ThrottledAction, client: string | null): Promise<ThrottleDecision> {
      const rate = action === 'login' ? settings.loginRate : settings.registrationRate;
      if (!rate) return ALLOWED;
      const now = deps.clock.now();
      const counter = await deps.store.hit(`${action}:client`, client ?? 'unknown', rate.windowSeconds, now);
      return counter.hits <= rate.requests ? ALLOWED : { allowed: false, retryAfterSeconds: secondsUntil(counter.windowEndsAt, now) };
    },

    /** Says whether a login to `email` may check its password now; read before any hashing. */
    async checkAccount(email: string): Promise<AccountGate> {
      if (!settings.lockout) return ALLOWED;
      const now = deps.clock.now();
      const counter = await deps.store.read('login:account', emailKey(email), now);
      if (counter?.blockedUntil && counter.blockedUntil > now) {
        return { allowed: false, retryAfterSeconds: secondsUntil(counter.blockedUntil, now) };
      }
      return { allowed: true, hasFailures: counter !== null };
    },

    /** Counts a failed login to `email`, locking the account out once failures pass the threshold. */
    async recordLoginFailure(email: string): Promise<void> {
      const lockout = settings.lockout;
      if (!lockout) return;
      const now = deps.clock.now();
      const key = emailKey(email);
      const counter = await deps.store.hit('login:account', key, lockout.failureWindowSeconds, now);
      const seconds = lockoutSeconds(lockout, counter.hits);
      if (seconds > 0) await deps.store.block('login:account', key, new Date(now.getTime() + seconds * 1000));
    },

    /** Forgets the failures of `email` after a successful login (a write only when there were some). */
    async recordLoginSuccess(email: string, gate: AccountGate): Promise<void> {
      if (settings.lockout && gate.hasFailures) await deps.store.clear('login:account', emailKey(email));
    },

    /** Deletes up to `limit` counters that no longer matter; returns how many. */
    purgeExpired: (limit: number): Promise<number> => deps.store.purgeExpired(deps.clock.now(), limit),
  };
}

/** The throttles as the edges see them. */
export type ThrottlePolicy = ReturnType<typeof createThrottlePolicy>;
