import { CryptoTokenSecrets, defaultHashConcurrency, randomIds, ScryptPasswordHasher, systemClock } from '@authsvc/adapter-crypto';
import { PwnedPasswordsPolicy, ZxcvbnCommonPasswordPolicy, type PwnedPasswordsUnavailableError } from '@authsvc/adapter-password-screening';
import { createPostgresAdapters, KyselyThrottleStore, type Database, type Kysely, type OpenDatabase } from '@authsvc/adapter-postgres';
import {
  combinePasswordPolicies,
  userAttributeSimilarityPolicy,
  type AuthDependencies,
  type Clock,
  type PasswordPolicy,
} from '@authsvc/domain';
import { throttleSettings, type ApiConfig } from './config.js';

/** What differs between the processes that run the use cases: the clock (tests move it) and who hears of a failed breach check. */
export interface AuthDependencyOptions {
  readonly clock?: Clock;
  /** Told of a Pwned Passwords lookup that failed, for logs and metrics; unset, only its `onError` decision is applied. */
  readonly onBreachCheckFailure?: (error: PwnedPasswordsUnavailableError) => void;
}

/** The checks PASSWORD_CHECKS turns on, in the order Django's validators report them. */
async function passwordPolicy(
  config: ApiConfig,
  onBreachCheckFailure: AuthDependencyOptions['onBreachCheckFailure'],
): Promise<PasswordPolicy> {
  const checks = config.PASSWORD_CHECKS;
  return combinePasswordPolicies([
    ...(checks.has('similarity') ? [userAttributeSimilarityPolicy()] : []),
    ...(checks.has('common') ? [await ZxcvbnCommonPasswordPolicy.load()] : []),
    ...(checks.has('breached')
      ? [
          new PwnedPasswordsPolicy({
            baseUrl: config.PWNED_PASSWORDS_URL,
            timeoutMs: config.PWNED_PASSWORDS_TIMEOUT_MS,
            onError: config.PASSWORD_BREACH_CHECK_ON_ERROR,
            onUnavailable: onBreachCheckFailure,
          }),
        ]
      : []),
  ]);
}

/** The use cases' ports and settings on the real adapters: one wiring for the API and the CLI, so both run the same use cases. */
export async function authDependencies(
  config: ApiConfig,
  database: OpenDatabase,
  options: AuthDependencyOptions = {},
): Promise<AuthDependencies> {
  return {
    ...overDatabase(database.db),
    hasher: new ScryptPasswordHasher(
      { logN: config.SCRYPT_LOG_N, r: config.SCRYPT_R, p: config.SCRYPT_P },
      { concurrency: config.SCRYPT_CONCURRENCY ?? defaultHashConcurrency({ processes: config.WEB_CONCURRENCY }) },
    ),
    passwordPolicy: await passwordPolicy(config, options.onBreachCheckFailure),
    secrets: new CryptoTokenSecrets(),
    clock: options.clock ?? systemClock,
    ids: randomIds,
    settings: {
      tokenTtlSeconds: config.TOKEN_EXPIRED_AFTER_SECONDS,
      tokenLimitPerUser: config.TOKEN_LIMIT_PER_USER ?? null,
      throttle: throttleSettings(config),
      passwordResetTimeoutSeconds: config.PASSWORD_RESET_TIMEOUT_SECONDS,
      emailVerificationTimeoutSeconds: config.EMAIL_VERIFICATION_TIMEOUT_SECONDS,
      requireEmailVerification: config.REQUIRE_EMAIL_VERIFICATION,
    },
  };
}

/** The ports `authDependencies` keeps in PostgreSQL, over `db`. */
const overDatabase = (db: Kysely<Database>): Pick<AuthDependencies, 'users' | 'tokens' | 'codes' | 'unitOfWork' | 'throttles'> => {
  const persistence = createPostgresAdapters(db);
  return {
    users: persistence.users,
    tokens: persistence.tokens,
    codes: persistence.codes,
    unitOfWork: persistence.unitOfWork,
    throttles: new KyselyThrottleStore(db),
  };
};

/** `deps` with its PostgreSQL ports over another handle of the same database (a request's, under its deadline). */
export const withDatabase = (deps: AuthDependencies, db: Kysely<Database>): AuthDependencies => ({ ...deps, ...overDatabase(db) });
