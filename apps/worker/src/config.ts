import { kafkaSettingsFromEnv, type KafkaSettings, DEFAULT_DLQ_TOPIC } from '@authsvc/adapter-kafka';
import { ConfigError, parseEnvironment } from '@authsvc/runtime';
import { z } from 'zod';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The jobs a worker process can run; each may be scaled by running more processes with it. */
export const WORKER_ROLES = ['relay', 'audit', 'cleanup'] as const;

/** One of the worker's jobs. */
export type WorkerRole = (typeof WORKER_ROLES)[number];

const roles = z
  .string()
  .transform((value) => value.split(',').map((role) => role.trim()).filter((role) => role !== ''))
  .pipe(z.array(z.enum(WORKER_ROLES)).min(1));

/** Every environment variable the worker reads besides the adapter's `KAFKA_*` settings, with its default; the README's table mirrors it. */
const schema = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    // Unset: the port recorded in DATA_DIR, 54329, or a free one (the embedded server picks and records it).
    EMBEDDED_PG_PORT: integer(1, 65_535).optional(),
    DB_POOL_SIZE: integer(1, 1000).default(5),
    KAFKA_DLQ_TOPIC: z.string().min(1).default(DEFAULT_DLQ_TOPIC),
    AUDIT_GROUP_ID: z.string().min(1).default('authsvc-audit'),
    CLEANUP_GROUP_ID: z.string().min(1).default('authsvc-token-cleanup'),
    WORKER_ROLES: roles.default([...WORKER_ROLES]),
    RELAY_BATCH_SIZE: integer(1, 10_000).default(100),
    RELAY_POLL_INTERVAL_MS: integer(10, 60_000).default(250),
    CONSUMER_MAX_ATTEMPTS: integer(1, 100).default(5),
    // kafkajs' defaults. A member that stops heartbeating is evicted after the session timeout.
    KAFKA_SESSION_TIMEOUT_MS: integer(1_000, 3_600_000).default(30_000),
    KAFKA_HEARTBEAT_INTERVAL_MS: integer(100, 600_000).default(3_000),
    KAFKA_REBALANCE_TIMEOUT_MS: integer(1_000, 3_600_000).default(60_000),
    KAFKA_MAX_WAIT_MS: integer(0, 60_000).default(5_000),
    TOKEN_CLEANUP_INTERVAL_MS: integer(100, 86_400_000).default(60_000),
    TOKEN_CLEANUP_BATCH_SIZE: integer(1, 100_000).default(500),
    TOKEN_CLEANUP_MAX_BATCHES: integer(1, 10_000).default(20),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(30_000),
    // The worker has no HTTP server of its own; set, one serves /metrics and /healthz for Prometheus.
    METRICS_PORT: integer(0, 65_535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  })
  // A member must heartbeat several times per session, or one late heartbeat evicts it.
  .refine((config) => config.KAFKA_HEARTBEAT_INTERVAL_MS * 3 <= config.KAFKA_SESSION_TIMEOUT_MS, {
    path: ['KAFKA_HEARTBEAT_INTERVAL_MS'],
    message: 'at most a third of KAFKA_SESSION_TIMEOUT_MS',
  });

/** Every environment variable the worker reads, its own and the adapter's Kafka settings; the README's Worker table lists each. */
export const workerConfigVariables: readonly string[] = [
  ...Object.keys(schema.shape),
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_TOPIC',
  'KAFKA_IDEMPOTENT',
];

/** The worker's configuration, validated: its own settings and the Kafka ones. */
export type WorkerConfig = z.output<typeof schema> & { readonly kafka: KafkaSettings };

/** Reads and validates the configuration; `KAFKA_BROKERS` is required, since the worker exists to talk to Kafka. */
export function loadWorkerConfig(env: Readonly<Record<string, string | undefined>> = process.env): WorkerConfig {
  const config = parseEnvironment(schema, env);
  try {
    return { ...config, kafka: kafkaSettingsFromEnv(env) };
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${error instanceof Error ? error.message : String(error)}`);
  }
}
