import { kafkaSettings, type KafkaSettings } from '@authsvc/adapter-kafka';
import { commaList, databaseVariables, integer, kafkaVariables, mailVariables, parseEnvironment, processVariables } from '@authsvc/runtime';
import { z } from 'zod';

/** The jobs a worker process can run; each may be scaled by running more processes with it. */
export const WORKER_ROLES = ['relay', 'audit', 'cleanup', 'mailer'] as const;

/** One of the worker's jobs. */
export type WorkerRole = (typeof WORKER_ROLES)[number];

/** Every environment variable the worker reads, the shared ones composed in, with its default; the Worker section of docs/events.md names each. */
const schema = z
  .object({
    ...databaseVariables({ poolSize: 5 }),
    ...processVariables({ shutdownTimeoutMs: 30_000 }),
    // Required: the worker exists to talk to Kafka.
    ...kafkaVariables,
    AUDIT_GROUP_ID: z.string().min(1).default('authsvc-audit'),
    CLEANUP_GROUP_ID: z.string().min(1).default('authsvc-token-cleanup'),
    WORKER_ROLES: commaList(WORKER_ROLES).default([...WORKER_ROLES]),
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
    ...mailVariables,
    // The API's port, read only for the default links in emails (a shared .env usually sets it).
    PORT: integer(0, 65_535).optional(),
    // The worker has no HTTP server of its own; set, one serves /metrics and /healthz for Prometheus.
    METRICS_PORT: integer(0, 65_535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  })
  // A member must heartbeat several times per session, or one late heartbeat evicts it.
  .refine((config) => config.KAFKA_HEARTBEAT_INTERVAL_MS * 3 <= config.KAFKA_SESSION_TIMEOUT_MS, {
    path: ['KAFKA_HEARTBEAT_INTERVAL_MS'],
    message: 'at most a third of KAFKA_SESSION_TIMEOUT_MS',
  });

/** Every environment variable the worker reads; the Worker section of docs/events.md names each. */
export const workerConfigVariables: readonly string[] = Object.keys(schema.shape);

/** The worker's configuration, validated: its variables, and the Kafka adapter's settings taken from them. */
export type WorkerConfig = z.output<typeof schema> & { readonly kafka: KafkaSettings };

/** Reads and validates the configuration; `KAFKA_BROKERS` is required, since the worker exists to talk to Kafka. */
export function loadWorkerConfig(env: Readonly<Record<string, string | undefined>> = process.env): WorkerConfig {
  const config = parseEnvironment(schema, env);
  return { ...config, kafka: kafkaSettings(config) };
}
