import type { AuthDependencies } from './dependencies.js';
import { screenPassword } from './password-screening.js';
import type { PasswordCandidate } from './ports/index.js';
import { authenticateToken } from './use-cases/authenticate-token.js';
import { loginUser } from './use-cases/login-user.js';
import { logoutUser } from './use-cases/logout-user.js';
import { purgeExpiredTokens } from './use-cases/purge-expired-tokens.js';
import { registerUser } from './use-cases/register-user.js';
import { setUserActive } from './use-cases/set-user-active.js';
import { createThrottlePolicy, type ThrottledAction } from './throttle-policy.js';

/** Every use case bound to one set of dependencies: what the transports call. */
export function createAuthService(deps: AuthDependencies) {
  const throttle = createThrottlePolicy({ store: deps.throttles, clock: deps.clock }, deps.settings.throttle);
  return {
    register: registerUser(deps),
    login: loginUser(deps, throttle),
    /** Counts a request of an action limited per client address (registration); null when within the rate. */
    admitClient: (action: ThrottledAction, client: string | null) => throttle.admitClient(action, client),
    authenticate: authenticateToken(deps),
    logout: logoutUser(deps),
    setUserActive: setUserActive(deps),
    purgeExpiredTokens: purgeExpiredTokens(deps),
    /** Deletes up to `limit` throttle counters that no longer matter; returns how many. */
    purgeExpiredThrottles: (limit: number) => throttle.purgeExpired(limit),
    /** True when an account already uses this email (ignoring case); lets validation report it beside other field errors. */
    isEmailTaken: async (email: string): Promise<boolean> => (await deps.users.findByEmail(email)) !== null,
    /** Screens a password as registration would; lets validation report its problems beside other field errors. */
    screenPassword: (candidate: PasswordCandidate) => screenPassword(deps.passwordPolicy, candidate),
  };
}

/** The use cases as the transports see them. */
export type AuthService = ReturnType<typeof createAuthService>;
