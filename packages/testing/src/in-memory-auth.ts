import { createAuthService, type AuthDependencies, type AuthSettings, type ThrottleSettings } from '@authsvc/domain';
import { InMemoryThrottleStore } from './in-memory-throttle-store.js';
import { FakePasswordHasher, ManualClock, SequentialIds, SequentialTokenSecrets } from './fakes.js';
import { InMemoryStore } from './in-memory-store.js';

/** Every throttle off, so tests of other behaviour are not limited. */
export const noThrottles: ThrottleSettings = { loginRate: null, registrationRate: null, lockout: null, accountLockout: null };

/** A complete set of in-memory dependencies, with handles on the fakes for assertions. */
export function inMemoryAuth(settings: Partial<AuthSettings> = {}) {
  const store = new InMemoryStore();
  const throttles = new InMemoryThrottleStore();
  const clock = new ManualClock();
  const hasher = new FakePasswordHasher();
  const deps: AuthDependencies = {
    users: store.users,
    tokens: store.tokens,
    unitOfWork: store,
    throttles,
    hasher,
    secrets: new SequentialTokenSecrets(),
    clock,
    ids: new SequentialIds(),
    settings: { tokenTtlSeconds: 86_400, tokenLimitPerUser: null, throttle: noThrottles, ...settings },
  };
  return { store, throttles, clock, hasher, deps, service: createAuthService(deps) };
}
