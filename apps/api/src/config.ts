import { z } from 'zod';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every environment variable the API reads, with its default; the README's table mirrors it. */
const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65_535).default(8000),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  EMBEDDED_PG_PORT: integer(1, 65_535).default(54_329),
  DB_POOL_SIZE: integer(1, 1000).default(10),
  TOKEN_EXPIRED_AFTER_SECONDS: integer(1, 10 * 365 * 86_400).default(86_400),
  TOKEN_LIMIT_PER_USER: integer(1, 10_000).optional(),
  SCRYPT_LOG_N: integer(10, 22).default(15),
  SCRYPT_R: integer(1, 64).default(8),
  SCRYPT_P: integer(1, 16).default(1),
  BODY_LIMIT_BYTES: integer(1024, 10 * 1024 * 1024).default(64 * 1024),
  TRUST_PROXY: z.string().default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(10_000),
});

/** The API's configuration, validated. */
export type ApiConfig = z.output<typeof schema>;

/** Raised when the environment is invalid; its message names each faulty variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the configuration from environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
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
  return value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}
