import { createAuthService, userAttributeSimilarityPolicy, type AuthDependencies, type AuthSettings, type PasswordPolicy } from '@authsvc/domain';
import { FakePasswordHasher, ManualClock, SequentialIds, SequentialTokenSecrets } from './fakes.js';
import { InMemoryStore } from './in-memory-store.js';

/**
 * A complete set of in-memory dependencies, with handles on the fakes for assertions. Passwords
 * are screened as production does by default (the pure similarity check) unless a policy is given.
 */
export function inMemoryAuth(settings: Partial<AuthSettings> = {}, passwordPolicy: PasswordPolicy = userAttributeSimilarityPolicy()) {
  const store = new InMemoryStore();
  const clock = new ManualClock();
  const hasher = new FakePasswordHasher();
  const deps: AuthDependencies = {
    users: store.users,
    tokens: store.tokens,
    unitOfWork: store,
    hasher,
    passwordPolicy,
    secrets: new SequentialTokenSecrets(),
    clock,
    ids: new SequentialIds(),
    settings: { tokenTtlSeconds: 86_400, tokenLimitPerUser: null, ...settings },
  };
  return { store, clock, hasher, deps, service: createAuthService(deps) };
}
