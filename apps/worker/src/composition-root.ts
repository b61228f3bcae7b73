import { randomIds, systemClock } from '@authsvc/adapter-crypto';
import {
  createKafkaEventPublisher,
  runEventConsumer,
  type EventConsumer,
  type KafkaClientOptions,
  type KafkaConsumerConfig,
  type RetryBackoff,
} from '@authsvc/adapter-kafka';
import { KyselyAuditLog, KyselyOutboxQueue, KyselyUnitOfWork, openDatabase, type OpenDatabase } from '@authsvc/adapter-postgres';
import { purgeExpiredTokens, type Clock, type EventPublisher } from '@authsvc/domain';
import { auditHandler, OutboxRelay, TokenCleanup, type DomainEventHandler } from '@authsvc/event-pipeline';
import { createPipelineMetrics, startMetricsServer, type MetricsServer } from '@authsvc/observability';
import { describeDatabase } from '@authsvc/runtime';
import { pino, type Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { WorkerConfig } from './config.js';
import { toDomainEvent } from './domain-event.js';
import { observeConsumed, observeRelayBatch } from './pipeline-observer.js';

/** Replacements for tests: a movable clock, quick Kafka timeouts, a publisher with an injected fault. */
export interface WorkerOverrides {
  /** The clock expiry is judged by; tests share a movable one with the API. */
  readonly clock?: Clock;
  /** Client tuning (log level, retries, timeouts); brokers and client id come from the configuration. */
  readonly kafkaClientOptions?: Omit<KafkaClientOptions, 'brokers' | 'clientId'>;
  /** Consumer group timeouts; the defaults suit a real cluster. */
  readonly consumerConfig?: Omit<KafkaConsumerConfig, 'groupId'>;
  /** Backoff between a consumer handler's retries. */
  readonly consumerBackoff?: RetryBackoff;
  /** Wraps the relay's Kafka publisher, e.g. to fail after publishing. */
  readonly wrapPublisher?: (publisher: EventPublisher) => EventPublisher;
  /** Where log lines go; by default pino on stdout at LOG_LEVEL. */
  readonly logger?: Logger;
}

/** A running worker: the roles it was configured with, and how to stop it cleanly. */
export interface Worker {
  /** The database the relay reads and the consumers write. */
  readonly database: OpenDatabase;
  /** The relay, when this process runs the `relay` role. */
  readonly relay: OutboxRelay | null;
  /** The token cleanup, when this process runs the `cleanup` role. */
  readonly cleanup: TokenCleanup | null;
  /** The worker's logger, for the process's own lines (signals, shutdown). */
  readonly logger: Logger;
  /** Where `/metrics` is served (relay and consumer lag), or null without METRICS_PORT. */
  readonly metricsUrl: string | null;
  /**
   * Stops in the order that loses nothing: the relay after its batch in hand (unacknowledged rows
   * stay in the outbox), then each consumer after its record in hand (committing what it processed
   * and leaving its group), then the cleanup schedule, then the connections.
   */
  stop(): Promise<void>;
}

/**
 * Wires and starts the worker by hand: the outbox relay to Kafka, the audit consumer and the
 * token-cleanup consumer with its schedule, each only if its role is configured. `onFatal` is told
 * when a consumer died for good (the process should exit and be restarted).
 */
export async function startWorker(
  config: WorkerConfig,
  overrides: WorkerOverrides = {},
  onFatal: (error: Error) => void = () => undefined,
): Promise<Worker> {
  const logger = overrides.logger ?? pino({ level: config.LOG_LEVEL, base: { service: 'authsvc-worker' } });
  // The worker may start before the API: opening the database applies the migrations it needs.
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_PG_PORT,
    poolSize: config.DB_POOL_SIZE,
    applicationName: 'authsvc-worker',
  });
  const clock = overrides.clock ?? systemClock;
  const clientOptions = { logLevel: 'warn' as const, ...overrides.kafkaClientOptions, clientId: config.kafka.clientId };
  const roles = new Set(config.WORKER_ROLES);
  const consumers: EventConsumer[] = [];
  let relay: OutboxRelay | null = null;
  let cleanup: TokenCleanup | null = null;
  const kafkaPublisher = roles.has('relay') ? createKafkaEventPublisher(config.kafka, clientOptions) : null;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pipeline = createPipelineMetrics(registry);
  let metricsServer: MetricsServer | null = null;

  const consume = async (groupId: string, handler: DomainEventHandler): Promise<void> => {
    const consumer = await runEventConsumer({
      ...clientOptions,
      brokers: config.kafka.brokers,
      groupId,
      topic: config.kafka.topic,
      dlqTopic: config.KAFKA_DLQ_TOPIC,
      idempotent: config.kafka.idempotent,
      maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
      backoff: overrides.consumerBackoff,
      consumerConfig: overrides.consumerConfig,
      handler: (message, context) => {
        observeConsumed(pipeline, clock, groupId, message, context);
        return handler(toDomainEvent(message));
      },
      onDeadLetter: (letter) => logger.error({ groupId, ...letter }, 'event dead-lettered'),
      onCrash: (error, restarting) => {
        logger.error({ groupId, err: error, restarting }, 'consumer crashed');
        if (!restarting) onFatal(error);
      },
    });
    consumers.push(consumer);
  };

  const stop = async (): Promise<void> => {
    await relay?.stop();
    await Promise.allSettled(consumers.map((consumer) => consumer.stop()));
    await cleanup?.stop();
    await kafkaPublisher?.disconnect();
    await database.close();
    await metricsServer?.close();
  };

  try {
    if (config.METRICS_PORT !== undefined) {
      metricsServer = await startMetricsServer({ registry, host: config.METRICS_HOST, port: config.METRICS_PORT });
    }
    if (kafkaPublisher) {
      relay = new OutboxRelay({
        queue: new KyselyOutboxQueue(database.db),
        publisher: overrides.wrapPublisher?.(kafkaPublisher) ?? kafkaPublisher,
        batchSize: config.RELAY_BATCH_SIZE,
        pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
        onError: (error, retryInMs) => logger.warn({ err: error, retryInMs }, 'outbox relay: publish failed, will retry'),
        onPublished: (events) => {
          logger.debug({ count: events.length }, 'outbox relay: published');
          observeRelayBatch(pipeline, clock, events);
        },
      });
      relay.start();
    }
    const joining: Promise<void>[] = [];
    if (roles.has('audit')) joining.push(consume(config.AUDIT_GROUP_ID, auditHandler(new KyselyAuditLog(database.db))));
    if (roles.has('cleanup')) {
      cleanup = new TokenCleanup({
        purge: purgeExpiredTokens({ unitOfWork: new KyselyUnitOfWork(database.db), clock, ids: randomIds }),
        batchSize: config.TOKEN_CLEANUP_BATCH_SIZE,
        maxBatches: config.TOKEN_CLEANUP_MAX_BATCHES,
        intervalMs: config.TOKEN_CLEANUP_INTERVAL_MS,
        onSwept: (purged, trigger) => logger.info({ purged, trigger }, 'expired tokens purged'),
        onError: (error) => logger.error({ err: error }, 'token cleanup failed'),
      });
      cleanup.start();
      joining.push(consume(config.CLEANUP_GROUP_ID, cleanup.handle));
    }
    // Both groups join at once: a join takes seconds, and they are independent.
    const joined = await Promise.allSettled(joining);
    const failed = joined.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  const where = describeDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }, database.url);
  logger.info({ roles: [...roles], topic: config.kafka.topic, brokers: config.kafka.brokers, database: where }, 'worker started');
  return { database, relay, cleanup, logger, metricsUrl: metricsServer?.url ?? null, stop };
}
