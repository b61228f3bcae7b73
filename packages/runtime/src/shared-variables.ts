import { z } from 'zod';
import { flag, hostPortList, integer, name, postgresUrl } from './config-fields.js';
import { parseEnvironment } from './environment.js';

/** Where the database is: an existing PostgreSQL, or the embedded one in DATA_DIR; `poolSize` is the process's default. */
export const databaseVariables = ({ poolSize }: { readonly poolSize: number }) => ({
  DATABASE_URL: postgresUrl().optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  // Unset: the port recorded in DATA_DIR, 54329, or a free one (the embedded server picks and records it).
  EMBEDDED_PG_PORT: integer(1, 65_535).optional(),
  DB_POOL_SIZE: integer(1, 1000).default(poolSize),
});

/** What every process reads about itself: how much it logs, and how long SIGTERM waits (`shutdownTimeoutMs` by default). */
export const processVariables = ({ shutdownTimeoutMs }: { readonly shutdownTimeoutMs: number }) => ({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(shutdownTimeoutMs),
});

/** The Kafka defaults, for the adapter's own fallbacks to match the configuration's. */
export const KAFKA_DEFAULTS = { clientId: 'authsvc', topic: 'auth.events', dlqTopic: 'auth.events.dlq' } as const;

/** How a process reaches Kafka; `KAFKA_BROKERS` is required here, a process that may run without it makes it optional. */
export const kafkaVariables = {
  KAFKA_BROKERS: hostPortList(),
  KAFKA_CLIENT_ID: name(KAFKA_DEFAULTS.clientId),
  KAFKA_TOPIC: name(KAFKA_DEFAULTS.topic),
  KAFKA_DLQ_TOPIC: name(KAFKA_DEFAULTS.dlqTopic),
  // On for real clusters; off against librdkafka's mock, which fails idempotent producers.
  KAFKA_IDEMPOTENT: flag().prefault('true'),
};

/** The Kafka variables, validated. */
export type KafkaVariables = z.output<z.ZodObject<typeof kafkaVariables>>;

/** Reads just the Kafka variables, for what needs Kafka and nothing else (a test harness pointed at a real cluster). */
export const readKafkaVariables = (env: Readonly<Record<string, string | undefined>>): KafkaVariables =>
  parseEnvironment(z.object(kafkaVariables), env);
