import type { LockoutSettings, ThrottleSettings } from '@authsvc/domain';
import {
  commaList,
  databaseVariables,
  flag,
  httpUrl,
  integer,
  kafkaVariables,
  mailVariables,
  parseEnvironment,
  processVariables,
  rate,
} from '@authsvc/runtime';
import { z } from 'zod';
import type { SocketLimits } from './http/server.js';

const PASSWORD_CHECK_NAMES = ['similarity', 'common', 'breached'] as const;
/** A password check that PASSWORD_CHECKS can turn on. */
export type PasswordCheck = (typeof PASSWORD_CHECK_NAMES)[number];

/** Every environment variable the API reads, with its default; docs/configuration.md's table mirrors it. */
const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65_535).default(8000),
  ...databaseVariables({ poolSize: 10 }),
  ...processVariables({ shutdownTimeoutMs: 10_000 }),
  // Set, events leave through the outbox to Kafka and `pnpm start:worker` handles them; unset, this
  // process relays them straight to the audit and token-cleanup handlers (the embedded mode).
  KAFKA_BROKERS: kafkaVariables.KAFKA_BROKERS.optional(),
  // Only named in the AsyncAPI document at /api/events/schema/: the worker is what publishes to them.
  KAFKA_TOPIC: kafkaVariables.KAFKA_TOPIC,
  KAFKA_DLQ_TOPIC: kafkaVariables.KAFKA_DLQ_TOPIC,
  OUTBOX_POLL_INTERVAL_MS: integer(10, 60_000).default(250),
  // Read in the embedded mode, where this process sends the queued emails; with Kafka, the worker does.
  ...mailVariables,
  TOKEN_CLEANUP_INTERVAL_MS: integer(100, 86_400_000).default(60_000),
  TOKEN_EXPIRED_AFTER_SECONDS: integer(1, 10 * 365 * 86_400).default(86_400),
  TOKEN_LIMIT_PER_USER: integer(1, 10_000).optional(),
  SCRYPT_LOG_N: integer(10, 22).default(15),
  SCRYPT_R: integer(1, 64).default(8),
  SCRYPT_P: integer(1, 16).default(1),
  SCRYPT_CONCURRENCY: integer(1, 1024).optional(),
  BODY_LIMIT_BYTES: integer(1024, 10 * 1024 * 1024).default(64 * 1024),
  TRUST_PROXY: z.string().default('false'),
  // Processes serving HTTP on one port (node:cluster); 1 serves from this process alone.
  WEB_CONCURRENCY: integer(1, 256).default(1),
  // How much lower (in nice steps) the hashing threads run than the event loop; 0 leaves them equal.
  THREADPOOL_NICENESS: integer(0, 19).default(10),
  // A cgroup folder (one with cpu.idle set, say) to move each worker's hashing threads into; unset leaves them in the worker's.
  HASHING_CGROUP: z.string().min(1).optional(),
  LOGIN_RATE: rate().prefault('20/min'),
  REGISTRATION_RATE: rate().prefault('10/min'),
  LOGIN_FAILURES_BEFORE_LOCKOUT: integer(0, 1000).default(5),
  LOGIN_LOCKOUT_BASE_SECONDS: integer(1, 3_600).default(2),
  LOGIN_LOCKOUT_MAX_SECONDS: integer(1, 86_400).default(300),
  LOGIN_FAILURE_WINDOW_SECONDS: integer(1, 7 * 86_400).default(3_600),
  LOGIN_ACCOUNT_FAILURES_BEFORE_LOCKOUT: integer(0, 100_000).default(50),
  // Emails asked for (resets, verification resends) per client address and, separately, per recipient.
  PASSWORD_RESET_RATE: rate().prefault('5/hour'),
  // Django's PASSWORD_RESET_TIMEOUT default is three days; an hour is what the issue asks and what most services use.
  PASSWORD_RESET_TIMEOUT_SECONDS: integer(60, 30 * 86_400).default(3_600),
  // django-allauth's EMAIL_CONFIRMATION_EXPIRE_DAYS: 3.
  EMAIL_VERIFICATION_TIMEOUT_SECONDS: integer(60, 365 * 86_400).default(3 * 86_400),
  // Off keeps the contract's behaviour: a new account can log in at once.
  REQUIRE_EMAIL_VERIFICATION: flag().prefault('false'),
  CORS_ORIGINS: z.string().optional(),
  REQUEST_DEADLINE_MS: integer(100, 600_000).default(10_000),
  // `common` is off by default only because the contract's own example password is in such lists.
  PASSWORD_CHECKS: commaList(PASSWORD_CHECK_NAMES, { off: true })
    .transform((checks): ReadonlySet<PasswordCheck> => new Set(checks))
    .prefault('similarity'),
  PASSWORD_BREACH_CHECK_ON_ERROR: z.enum(['allow', 'deny']).default('allow'),
  PWNED_PASSWORDS_URL: httpUrl().default('https://api.pwnedpasswords.com'),
  PWNED_PASSWORDS_TIMEOUT_MS: integer(100, 60_000).default(2_000),
  // Socket limits: a client that sends its request (or headers) too slowly, or idles between
  // requests, is closed; past the cap new connections are closed at once. Per process.
  HTTP_REQUEST_TIMEOUT_MS: integer(100, 600_000).default(20_000),
  HTTP_HEADERS_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(100, 600_000).default(5_000),
  HTTP_MAX_CONNECTIONS: integer(1, 1_000_000).default(10_000),
});

/** The API's configuration, validated. */
export type ApiConfig = z.output<typeof schema>;

/** The name of every environment variable the API reads, for checking that docs/configuration.md documents each. */
export const configVariables: readonly string[] = [...Object.keys(schema.shape), 'ENV_FILE'];

/** Reads and validates the configuration from environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return parseEnvironment(schema, env);
}

/**
 * Fastify's `trustProxy` from TRUST_PROXY: `true`/`false`, a hop count, or a comma-separated list
 * of trusted proxy addresses or CIDR ranges. Only then is `X-Forwarded-For` believed.
 */
export function trustProxySetting(value: string): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * The throttles' settings. LOGIN_FAILURES_BEFORE_LOCKOUT=0 turns the per-account-and-address
 * lockout off, LOGIN_ACCOUNT_FAILURES_BEFORE_LOCKOUT=0 the account-wide one; both share the backoff.
 */
export function throttleSettings(config: ApiConfig): ThrottleSettings {
  const lockoutAfter = (failuresBeforeLockout: number): LockoutSettings | null =>
    failuresBeforeLockout === 0
      ? null
      : {
          failuresBeforeLockout,
          baseSeconds: config.LOGIN_LOCKOUT_BASE_SECONDS,
          maxSeconds: config.LOGIN_LOCKOUT_MAX_SECONDS,
          failureWindowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
        };
  return {
    loginRate: config.LOGIN_RATE,
    registrationRate: config.REGISTRATION_RATE,
    passwordResetRate: config.PASSWORD_RESET_RATE,
    lockout: lockoutAfter(config.LOGIN_FAILURES_BEFORE_LOCKOUT),
    accountLockout: lockoutAfter(config.LOGIN_ACCOUNT_FAILURES_BEFORE_LOCKOUT),
  };
}

/** The HTTP server's socket limits from the configuration. */
export function socketLimits(config: ApiConfig): SocketLimits {
  return {
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    // Node refuses a headers timeout longer than the request's, which would never fire anyway.
    headersTimeoutMs: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
  };
}

/** The origins CORS_ORIGINS allows (comma-separated); empty, the default, leaves CORS off. */
export function corsOrigins(config: ApiConfig): string[] {
  return (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}
