import {
  createAuthService,
  userAttributeSimilarityPolicy,
  type AuthDependencies,
  type AuthSettings,
  type PasswordPolicy,
  type ThrottleSettings,
} from '@authsvc/domain';
import { FakePasswordHasher, ManualClock, SequentialIds, SequentialTokenSecrets } from './fakes.js';
import { InMemoryStore } from './in-memory-store.js';
import { InMemoryThrottleStore } from './in-memory-throttle-store.js';

/** Every throttle off, so tests of other behaviour are not limited. */
export const noThrottles: ThrottleSettings = {
  loginRate: null,
  registrationRate: null,
  passwordResetRate: null,
  lockout: null,
  accountLockout: null,
};

/**
 * A complete set of in-memory dependencies, with handles on the fakes for assertions. Passwords
 * are screened as production does by default (the pure similarity check) unless a policy is given.
 */
export function inMemoryAuth(settings: Partial<AuthSettings> = {}, passwordPolicy: PasswordPolicy = userAttributeSimilarityPolicy()) {
  const store = new InMemoryStore();
  const throttles = new InMemoryThrottleStore();
  const clock = new ManualClock();
  const hasher = new FakePasswordHasher();
  const deps: AuthDependencies = {
    users: store.users,
    tokens: store.tokens,
    codes: store.codes,
    unitOfWork: store,
    throttles,
    hasher,
    passwordPolicy,
    secrets: new SequentialTokenSecrets(),
    clock,
    ids: new SequentialIds(),
    settings: {
      tokenTtlSeconds: 86_400,
      tokenLimitPerUser: null,
      throttle: noThrottles,
      passwordResetTimeoutSeconds: 3_600,
      emailVerificationTimeoutSeconds: 259_200,
      requireEmailVerification: false,
      ...settings,
    },
  };
  return { store, throttles, clock, hasher, deps, service: createAuthService(deps) };
}
