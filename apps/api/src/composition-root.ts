import { createMailBackend, mailDeliveryOptions } from '@authsvc/adapter-mail';
import {
  KyselyAuditLog,
  KyselyMailDeliveryQueue,
  KyselyOutboxQueue,
  startOutboxListener,
  deadlineView,
  type OpenDatabase,
  type OutboxListener,
} from '@authsvc/adapter-postgres';
import { createAuthService, type AuthService, type Clock } from '@authsvc/domain';
import { createAuthEndpoints } from '@authsvc/api-router';
import { startEmbeddedEvents, type EmbeddedEvents } from '@authsvc/event-pipeline';
import { mailerObserver } from '@authsvc/observability';
import { mailSettings } from '@authsvc/runtime';
import type { FastifyInstance } from 'fastify';
import { authDependencies, withDatabase } from './auth-dependencies.js';
import { corsOrigins, socketLimits, trustProxySetting, type ApiConfig } from './config.js';
import { databaseIsReachable, openApiDatabase } from './database.js';
import { endpointsUnderDeadline } from './http/request-endpoints.js';
import { buildHttpServer } from './http/server.js';
import { createApiMetrics, type ApiMetrics } from './observability/api-metrics.js';
import { loggerOptions, type LogDestination } from './observability/logger-options.js';
import { countLoginOutcomes } from './observability/login-outcomes.js';
import { migrationsApplied } from './observability/migrations-applied.js';
import { readOutboxBacklog } from './observability/outbox-backlog.js';
import type { ReadinessCheck } from './observability/readiness.js';

/** The running API: its HTTP server, use cases and database, and how to stop them in order. */
export interface ApiApp {
  readonly server: FastifyInstance;
  readonly service: AuthService;
  readonly database: OpenDatabase;
  /** The in-process event pipeline of the embedded mode; null when KAFKA_BROKERS hands events to the worker. */
  readonly events: EmbeddedEvents | null;
  /** Where this process sends emails (SMTP server or `.eml` folder, no password); null when the worker's mailer does. */
  readonly mail: string | null;
  /** The Prometheus metrics `/metrics` serves; relay and consumer gauges are set through `pipeline`. */
  readonly metrics: ApiMetrics;
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

/** Replacements for tests: a clock that can be moved to expire tokens without waiting. */
export interface ApiOverrides {
  readonly clock?: Clock;
  /** Receives the JSON log lines instead of stdout (at LOG_LEVEL), to check what is logged. */
  readonly logDestination?: LogDestination;
}

/** Wires the API by hand: configuration in, a ready (not yet listening) server out. */
export async function createApiApp(config: ApiConfig, overrides: ApiOverrides = {}): Promise<ApiApp> {
  const database = await openApiDatabase(config, 'authsvc-api');
  const metrics = createApiMetrics({ outboxBacklog: () => readOutboxBacklog(database.db) });
  const breachCheckAction = config.PASSWORD_BREACH_CHECK_ON_ERROR === 'allow' ? 'password allowed' : 'password refused';
  const deps = await authDependencies(config, database, {
    clock: overrides.clock,
    // Failures happen only while serving, so the server (declared below) exists by then.
    onBreachCheckFailure: (error) => {
      metrics.recordBreachCheckFailure(error.reason);
      server.log.warn({ err: error, reason: error.reason }, `Pwned Passwords lookup failed, ${breachCheckAction}`);
    },
  });
  const service = createAuthService(deps);
  // Counters of addresses and emails seen once, and emailed codes never used, would pile up: every
  // instance sweeps a batch of each a minute.
  // A failed sweep (database away) is simply the next minute's work.
  const purgeTimer = setInterval(() => {
    void service.purgeExpiredThrottles(1_000).catch(() => 0);
    void service.purgeExpiredCodes(1_000).catch(() => 0);
  }, 60_000);
  purgeTimer.unref();
  // A list, so a dependency the API may gain adds its own; Kafka is none: the API only writes the outbox.
  const readinessChecks: ReadinessCheck[] = [
    { name: 'database', check: () => databaseIsReachable(database.db) },
    { name: 'migrations', check: () => migrationsApplied(database.db) },
  ];
  // Each request's use cases run on a view of the pool under its deadline: past it, their
  // statements stop and their transaction rolls back. The views and what is built on them are reused.
  const endpoints = endpointsUnderDeadline(() => {
    const view = deadlineView(database.db);
    return { view, endpoints: createAuthEndpoints(countLoginOutcomes(createAuthService(withDatabase(deps, view.db)), metrics)) };
  });
  const server = buildHttpServer(endpoints, {
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    logger: loggerOptions(config.LOG_LEVEL, overrides.logDestination),
    readinessChecks,
    metrics,
    corsOrigins: corsOrigins(config),
    requestDeadlineMs: config.REQUEST_DEADLINE_MS,
    socketLimits: socketLimits(config),
    eventTopics: { topic: config.KAFKA_TOPIC, dlqTopic: config.KAFKA_DLQ_TOPIC },
  });
  // Without a broker, this process relays the outbox straight to the audit and cleanup handlers
  // and sends the queued emails, as the worker does behind Kafka; with one, the API only writes.
  const mail = mailSettings(config, config.PORT);
  const mailBackend = config.KAFKA_BROKERS ? null : createMailBackend(mail);
  const events = !mailBackend
    ? null
    : startEmbeddedEvents({
        queue: new KyselyOutboxQueue(database.db),
        auditLog: new KyselyAuditLog(database.db),
        purgeExpiredTokens: service.purgeExpiredTokens,
        pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
        cleanupIntervalMs: config.TOKEN_CLEANUP_INTERVAL_MS,
        onRelayError: (error, retryInMs) => server.log.warn({ err: error, retryInMs }, 'outbox relay failed, will retry'),
        onPublished: (batch) => {
          for (const event of batch) metrics.pipeline.relayPublished.inc({ type: event.type });
          const oldest = batch[0];
          if (oldest) metrics.pipeline.relayLagSeconds.set((deps.clock.now().getTime() - oldest.occurredAt.getTime()) / 1000);
        },
        onDeadLetter: (letter) =>
          server.log.error({ err: letter.error, handler: letter.handler, event: letter.event }, 'event dead-lettered'),
        onSwept: (purged, trigger) => server.log.info({ purged, trigger }, 'expired tokens purged'),
        mail: {
          queue: new KyselyMailDeliveryQueue(database.db),
          ...mailDeliveryOptions(mailBackend, mail),
          ...mailerObserver(metrics.pipeline, server.log),
        },
      });
  // Wakes the relay when an outbox write commits, so an event waits for no poll; the poll stays
  // as the fallback while this connection is down.
  const listener: OutboxListener | null = events
    ? startOutboxListener({
        databaseUrl: database.url,
        applicationName: 'authsvc-api-outbox-listener',
        onNotification: events.wake,
        onListening: events.wake,
        onError: (error, retryInMs) => server.log.warn({ err: error, retryInMs }, 'outbox listener disconnected, will reconnect'),
      })
    : null;
  return {
    server,
    service,
    database,
    events,
    mail: mailBackend?.description ?? null,
    metrics,
    async close() {
      clearInterval(purgeTimer);
      await server.close();
      // A request whose client left is still at work (a login hashing): the server no longer
      // counts it, but its work needs the database closed below.
      await endpoints.settled();
      // After the last request, so its events are relayed; before the database they need.
      await listener?.stop();
      await events?.stop();
      mailBackend?.close();
      await database.close();
    },
  };
}
