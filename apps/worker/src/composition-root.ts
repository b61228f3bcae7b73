import { randomIds, systemClock } from '@authsvc/adapter-crypto';
import {
  createKafkaEventPublisher,
  KafkaStartupError,
  runEventConsumer,
  type EventConsumer,
  type KafkaClientOptions,
  type KafkaConsumerConfig,
  type RetryBackoff,
} from '@authsvc/adapter-kafka';
import { createMailBackend, mailDeliveryOptions, type MailBackend } from '@authsvc/adapter-mail';
import {
  KyselyAuditLog,
  KyselyMailDeliveryQueue,
  KyselyOutboxQueue,
  KyselyUnitOfWork,
  openDatabase,
  startOutboxListener,
  type OpenDatabase,
  type OutboxListener,
} from '@authsvc/adapter-postgres';
import { openDatabaseServer } from '@authsvc/postgres-embedded';
import { purgeExpiredTokens, type Clock, type EventPublisher } from '@authsvc/domain';
import { auditHandler, MailerLoop, OutboxRelay, TokenCleanup, type DomainEventHandler } from '@authsvc/event-pipeline';
import {
  createPipelineMetrics,
  mailerObserver,
  startMetricsServer,
  type MetricsServer,
  type ReadinessChecks,
} from '@authsvc/observability';
import { describeDatabase, mailSettings } from '@authsvc/runtime';
import { pino, type Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { WorkerConfig, WorkerRole } from './config.js';
import { observeConsumed, observeRelayBatch } from './pipeline-observer.js';

/** Replacements for tests: a movable clock, quick Kafka timeouts, a publisher with an injected fault. */
export interface WorkerOverrides {
  /** The clock expiry is judged by; tests share a movable one with the API. */
  readonly clock?: Clock;
  /** Client tuning (log level, retries, timeouts); brokers and client id come from the configuration. */
  readonly kafkaClientOptions?: Omit<KafkaClientOptions, 'brokers' | 'clientId'>;
  /** Consumer tuning over the configured group timeouts and fetch wait. */
  readonly consumerConfig?: Omit<KafkaConsumerConfig, 'groupId' | 'restartOnFailure'>;
  /** Backoff between a consumer handler's retries. */
  readonly consumerBackoff?: RetryBackoff;
  /** Backoff before a crashed consumer is restarted. */
  readonly consumerRestartBackoff?: RetryBackoff;
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
  /** The mailer, when this process runs the `mailer` role. */
  readonly mailer: MailerLoop | null;
  /** Where the mailer sends (SMTP server or `.eml` folder, no password); null without the role. */
  readonly mail: string | null;
  /** The worker's logger, for the process's own lines (signals, shutdown). */
  readonly logger: Logger;
  /** Where `/metrics` is served (relay and consumer lag), or null without METRICS_PORT. */
  readonly metricsUrl: string | null;
  /** What `/readyz` reports: each role `ok` while its producer is connected or its consumer is in its group; the mailer once it runs. */
  readiness(): ReadinessChecks;
  /**
   * Stops in the order that loses nothing: the relay after its batch in hand (unacknowledged rows
   * stay in the outbox), then each consumer after its record in hand (committing what it processed
   * and leaving its group), then the mailer after its email in hand, then the cleanup schedule,
   * then the connections.
   */
  stop(): Promise<void>;
}

/**
 * Wires and starts the worker by hand: the outbox relay to Kafka, the audit consumer, the
 * token-cleanup consumer with its schedule, and the mailer, each only if its role is configured.
 * A consumer that crashes is restarted in place; a failure to reach Kafka at start rejects with a
 * `KafkaStartupError` whose message names the brokers and the likely fix.
 */
export async function startWorker(config: WorkerConfig, overrides: WorkerOverrides = {}): Promise<Worker> {
  const logger = overrides.logger ?? pino({ level: config.LOG_LEVEL, base: { service: 'authsvc-worker' } });
  // The worker may start before the API: opening the database applies the migrations it needs.
  const server = await openDatabaseServer({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_PG_PORT,
  });
  const database = await openDatabase(server, { poolSize: config.DB_POOL_SIZE, applicationName: 'authsvc-worker' });
  const clock = overrides.clock ?? systemClock;
  const clientOptions = { logLevel: 'warn' as const, ...overrides.kafkaClientOptions, clientId: config.kafka.clientId };
  const roles = new Set(config.WORKER_ROLES);
  const consumers = new Map<WorkerRole, EventConsumer>();
  let relay: OutboxRelay | null = null;
  let listener: OutboxListener | null = null;
  let cleanup: TokenCleanup | null = null;
  let mailer: MailerLoop | null = null;
  let mailBackend: MailBackend | null = null;
  const kafkaPublisher = roles.has('relay') ? createKafkaEventPublisher(config.kafka, clientOptions) : null;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pipeline = createPipelineMetrics(registry);
  let metricsServer: MetricsServer | null = null;
  // One check per role from the start, so /readyz is never 200 before everything has come up.
  let publishing = false;
  const isUp = (role: WorkerRole): boolean => {
    if (role === 'relay') return publishing;
    // Its only dependency, the database, is every role's; its failures are logged and retried.
    if (role === 'mailer') return mailer !== null;
    return consumers.get(role)?.state === 'joined';
  };
  const readiness = (): ReadinessChecks => Object.fromEntries([...roles].map((role) => [role, isUp(role) ? 'ok' : 'failing']));
  // Every Kafka step of the start-up, so a wrong broker list or setting ends in one clear line.
  const onKafka = <T>(step: Promise<T>): Promise<T> =>
    step.catch((error: unknown) => {
      throw new KafkaStartupError(error, config.kafka);
    });
  const consumerConfig = {
    sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeout: config.KAFKA_REBALANCE_TIMEOUT_MS,
    maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS,
    ...overrides.consumerConfig,
  };

  const consume = async (role: WorkerRole, groupId: string, handler: DomainEventHandler): Promise<void> => {
    const consumer = await onKafka(
      runEventConsumer({
        ...clientOptions,
        brokers: config.kafka.brokers,
        groupId,
        topic: config.kafka.topic,
        dlqTopic: config.KAFKA_DLQ_TOPIC,
        idempotent: config.kafka.idempotent,
        maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
        backoff: overrides.consumerBackoff,
        restartBackoff: overrides.consumerRestartBackoff,
        consumerConfig,
        handler: (message, context) => {
          observeConsumed(pipeline, clock, groupId, message, context);
          return handler(message);
        },
        onDeadLetter: (letter) => logger.error({ groupId, ...letter }, 'event dead-lettered'),
        onCrash: (error, restartInMs) => logger.error({ groupId, err: error, restartInMs }, 'consumer crashed, restarting'),
        onJoin: (partitions) => logger.info({ groupId, partitions }, 'consumer joined its group'),
      }),
    );
    consumers.set(role, consumer);
  };

  const stop = async (): Promise<void> => {
    await listener?.stop();
    await relay?.stop();
    await Promise.allSettled([...consumers.values()].map((consumer) => consumer.stop()));
    await mailer?.stop();
    await cleanup?.stop();
    await kafkaPublisher?.disconnect();
    mailBackend?.close();
    await database.close();
    await metricsServer?.close();
  };

  try {
    if (config.METRICS_PORT !== undefined) {
      metricsServer = await startMetricsServer({ registry, host: config.METRICS_HOST, port: config.METRICS_PORT, readiness });
    }
    if (kafkaPublisher) {
      // Connected up front, so a broker list or producer setting that cannot work fails the start.
      await onKafka(kafkaPublisher.connect());
      publishing = true;
      relay = new OutboxRelay({
        queue: new KyselyOutboxQueue(database.db),
        publisher: overrides.wrapPublisher?.(kafkaPublisher) ?? kafkaPublisher,
        batchSize: config.RELAY_BATCH_SIZE,
        pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
        onError: (error, retryInMs) => {
          publishing = false;
          logger.warn({ err: error, retryInMs }, 'outbox relay: publish failed, will retry');
        },
        onPublished: (events) => {
          publishing = true;
          logger.debug({ count: events.length }, 'outbox relay: published');
          observeRelayBatch(pipeline, clock, events);
        },
      });
      relay.start();
      // Wakes the relay when an outbox write commits, so an event waits for no poll; the poll
      // stays as the fallback while this connection is down.
      const wake = relay.wake.bind(relay);
      listener = startOutboxListener({
        databaseUrl: database.url,
        applicationName: 'authsvc-worker-outbox-listener',
        onNotification: wake,
        onListening: wake,
        onError: (error, retryInMs) => logger.warn({ err: error, retryInMs }, 'outbox listener disconnected, will reconnect'),
      });
    }
    if (roles.has('mailer')) {
      const mail = mailSettings(config, config.PORT);
      mailBackend = createMailBackend(mail);
      mailer = new MailerLoop({
        queue: new KyselyMailDeliveryQueue(database.db),
        ...mailDeliveryOptions(mailBackend, mail),
        ...mailerObserver(pipeline, logger),
      });
      mailer.start();
    }
    const joining: Promise<void>[] = [];
    if (roles.has('audit')) joining.push(consume('audit', config.AUDIT_GROUP_ID, auditHandler(new KyselyAuditLog(database.db))));
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
      joining.push(consume('cleanup', config.CLEANUP_GROUP_ID, cleanup.handle));
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
  const mail = mailBackend?.description ?? null;
  logger.info({ roles: [...roles], topic: config.kafka.topic, brokers: config.kafka.brokers, database: where, mail }, 'worker started');
  return { database, relay, cleanup, mailer, mail, logger, metricsUrl: metricsServer?.url ?? null, readiness, stop };
}
