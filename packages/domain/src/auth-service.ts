import type { AuthDependencies } from './dependencies.js';
import { authenticateToken } from './use-cases/authenticate-token.js';
import { changePassword } from './use-cases/change-password.js';
import { confirmPasswordReset } from './use-cases/confirm-password-reset.js';
import { listTokens, logoutOthers, revokeToken } from './use-cases/manage-tokens.js';
import { requestPasswordReset } from './use-cases/request-password-reset.js';
import { resendVerification } from './use-cases/resend-verification.js';
import { verifyEmail } from './use-cases/verify-email.js';
import { loginUser } from './use-cases/login-user.js';
import { logoutUser } from './use-cases/logout-user.js';
import { purgeExpiredTokens } from './use-cases/purge-expired-tokens.js';
import { registerUser } from './use-cases/register-user.js';
import { setUserActive } from './use-cases/set-user-active.js';
import { createThrottlePolicy } from './throttle-policy.js';

/** Every use case bound to one set of dependencies: what the transports call. */
export function createAuthService(deps: AuthDependencies) {
  const throttle = createThrottlePolicy({ store: deps.throttles, clock: deps.clock }, deps.settings.throttle);
  return {
    register: registerUser(deps, throttle),
    login: loginUser(deps, throttle),
    authenticate: authenticateToken(deps),
    logout: logoutUser(deps),
    changePassword: changePassword(deps, throttle),
    requestPasswordReset: requestPasswordReset(deps, throttle),
    confirmPasswordReset: confirmPasswordReset(deps, throttle),
    verifyEmail: verifyEmail(deps, throttle),
    resendVerification: resendVerification(deps, throttle),
    listTokens: listTokens(deps),
    revokeToken: revokeToken(deps),
    logoutOthers: logoutOthers(deps),
    setUserActive: setUserActive(deps),
    purgeExpiredTokens: purgeExpiredTokens(deps),
    /** Deletes up to `limit` throttle counters that no longer matter; returns how many. */
    purgeExpiredThrottles: (limit: number) => throttle.purgeExpired(limit),
    /** Deletes up to `limit` emailed codes past their validity; returns how many. */
    purgeExpiredCodes: (limit: number) => deps.codes.purgeExpired(deps.clock.now(), limit),
  };
}

/** The use cases as the transports see them. */
export type AuthService = ReturnType<typeof createAuthService>;
