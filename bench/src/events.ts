/**
 * Figure 4: the event pipeline with its workers. The API runs in Kafka mode (it only writes the
 * outbox), a worker process runs the audit and token-cleanup consumers for the whole scenario,
 * and each round starts a relay-only worker on a pre-filled outbox: how fast it empties the
 * outbox is the relay rate, and the logins that follow, while it keeps running, give the
 * login-to-audit-row latency. Everything talks to librdkafka's mock cluster on loopback.
 */
import path from 'node:path';
import { startMockKafka, type MockKafka } from '@authsvc/adapter-kafka/testing';
import pg from 'pg';
import type { KafkaCeilingSpec } from './kafka-ceiling.js';
import { auditLatencyTimer, type AuditLatency } from './audit-latency.js';
import { loginPayloads } from './outbox-fixture.js';
import { apiArgs, runNodeJson, spawnNode, waitForHttp, type Spawned } from './processes.js';
import { PASSWORD, seedApi, seededIds } from './seed.js';

/** How the scenario is run; every number here is reported with the results. */
export interface EventsSettings {
  /** Rows pre-filled into the outbox before each relay run. */
  readonly outboxEvents: number;
  /** The worker's RELAY_BATCH_SIZE, also the ceiling producer's batch. */
  readonly relayBatchSize: number;
  /** The worker's RELAY_POLL_INTERVAL_MS: an idle relay looks at the outbox this often, which bounds the latency. */
  readonly relayPollMs: number;
  /** The consumers' fetch wait (kafkajs `maxWaitTimeInMs`), shortened for the mock broker. */
  readonly consumerMaxWaitMs: number;
  /** Logins per second during the latency run. */
  readonly loginRate: number;
  /** scrypt cost of the events API's accounts: low, so the logins load the pipeline rather than the KDF. */
  readonly scryptLogN: number;
  readonly brokers: string;
}

/** One round of the scenario. */
export interface EventsRound {
  readonly relay: { events: number; eventsPerSecond: number; seconds: number; wallSeconds: number };
  /** The producer ceiling right before and right after the relay run. */
  readonly ceilings: Array<{ eventsPerSecond: number; seconds: number }>;
  /** From the outbox emptying to the audit consumer having recorded every pre-filled event. */
  readonly auditCatchUpSeconds: number;
  readonly logins: AuditLatency;
}

/** The running pipeline: broker, API in Kafka mode, consumer worker, and what a round needs. */
export interface EventsStack {
  readonly settings: EventsSettings;
  round(durationS: number): Promise<EventsRound>;
  stop(): Promise<void>;
}

/** Where things are and what to share with the other servers of the run. */
export interface StartEventsOptions {
  readonly repoRoot: string;
  readonly benchDist: string;
  readonly work: string;
  readonly dbUrl: string;
  readonly port: number;
  readonly users: number;
  readonly workers: number;
  readonly outboxEvents: number;
  readonly log: (message: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RELAY_BATCH_SIZE = 100;
const RELAY_POLL_MS = Number(process.env.BENCH_RELAY_POLL_MS ?? 250);
export const LOGIN_RATE = 20;
const CONSUMER_MAX_WAIT_MS = Number(process.env.BENCH_CONSUMER_MAX_WAIT_MS ?? 100);
export const EVENTS_SCRYPT_LOG_N = 10;
// Each wait is bounded so a stuck pipeline fails the run instead of hanging it.
const DRAIN_TIMEOUT_MS = 120_000;
const AUDIT_TIMEOUT_MS = 120_000;

/** Starts the broker, the API in Kafka mode and the consumer worker on a fresh database `dbUrl`. */
export async function startEventsStack(options: StartEventsOptions): Promise<EventsStack> {
  const { repoRoot, work, dbUrl, log } = options;
  const spawned: Spawned[] = [];
  let kafka: MockKafka | undefined;
  const db = new pg.Client({ connectionString: dbUrl });
  const stop = async () => {
    await Promise.all(spawned.map((s) => s.stop()));
    await db.end().catch(() => undefined);
    await kafka?.stop();
  };
  try {
    // `env: {}`: always the loopback mock, even if the shell has KAFKA_BROKERS set.
    kafka = await startMockKafka({ env: {} });
    const settings: EventsSettings = {
      outboxEvents: options.outboxEvents,
      relayBatchSize: RELAY_BATCH_SIZE,
      relayPollMs: RELAY_POLL_MS,
      consumerMaxWaitMs: CONSUMER_MAX_WAIT_MS,
      loginRate: LOGIN_RATE,
      scryptLogN: EVENTS_SCRYPT_LOG_N,
      brokers: `librdkafka mock cluster (kcat), ${kafka.brokers.length} brokers`,
    };
    const kafkaEnv = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_IDEMPOTENT: String(kafka.idempotent),
      KAFKA_CLIENT_ID: 'authsvc-bench',
    };
    const api = spawnNode(
      'authsvc-events',
      apiArgs(repoRoot),
      {
        ...kafkaEnv,
        NODE_ENV: 'production',
        WEB_CONCURRENCY: String(options.workers),
        SCRYPT_LOG_N: String(EVENTS_SCRYPT_LOG_N),
        DATABASE_URL: dbUrl,
        PORT: String(options.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        LOGIN_RATE: 'off',
        REGISTRATION_RATE: 'off',
      },
      path.join(work, 'api-events.log'),
    );
    spawned.push(api);
    const apiBase = `http://127.0.0.1:${options.port}`;
    await waitForHttp(`${apiBase}/healthz`, api);

    const { ScryptPasswordHasher } = await import('@authsvc/adapter-crypto');
    const hash = await new ScryptPasswordHasher({ logN: EVENTS_SCRYPT_LOG_N, r: 8, p: 1 }).hash(PASSWORD);
    const { emails } = await seedApi(dbUrl, options.users, hash);
    await db.connect();
    const timeLogins = auditLatencyTimer({ db, apiBase, emails, ids: await seededIds(db) });

    const workerMain = path.join(repoRoot, 'apps/worker/dist/main.js');
    const workerEnv = (roles: string) => ({
      ...kafkaEnv,
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      WORKER_ROLES: roles,
      RELAY_BATCH_SIZE: String(RELAY_BATCH_SIZE),
      RELAY_POLL_INTERVAL_MS: String(RELAY_POLL_MS),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    });
    // The consumers run all along, as in production; only the relay is stopped between rounds,
    // so the outbox can be filled while nothing drains it. They run from worker-consumers.js,
    // the production wiring with the fetch wait shortened for the mock broker (see that file).
    spawned.push(
      spawnNode(
        'worker-consumers',
        [path.join(options.benchDist, 'worker-consumers.js')],
        { ...workerEnv('audit,cleanup'), BENCH_CONSUMER_MAX_WAIT_MS: String(CONSUMER_MAX_WAIT_MS) },
        path.join(work, 'worker-consumers.log'),
      ),
    );

    const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
    const loggedIn = () => count(`select count(*)::int as n from audit_log where type = 'user.logged_in'`);
    let expectedAudit = 0;
    let roundNo = 0;

    const ceiling = () =>
      runNodeJson<{ eventsPerSecond: number; seconds: number }>(
        path.join(options.benchDist, 'kafka-ceiling.js'),
        JSON.stringify({
          brokers: kafka!.brokers,
          // Its own topic: the consumers must not see these records.
          topic: 'bench.ceiling',
          count: options.outboxEvents,
          users: options.users,
          batchSize: RELAY_BATCH_SIZE,
          idempotent: kafka!.idempotent,
        } satisfies KafkaCeilingSpec),
      );

    const round = async (durationS: number): Promise<EventsRound> => {
      roundNo++;
      const ceilings = [await ceiling()];

      // The rows the API's login writes (`KyselyOutbox.append`), in one statement.
      const payloads = loginPayloads(options.outboxEvents, options.users);
      await db.query(
        `insert into outbox (id, type, version, user_id, occurred_at, payload)
         select (p->>'id')::uuid, p->>'type', (p->>'version')::int, (p->>'userId')::int, (p->>'occurredAt')::timestamptz, p
         from jsonb_array_elements($1::jsonb) as p`,
        [JSON.stringify(payloads)],
      );
      expectedAudit += payloads.length;
      const total = await count('select count(*)::int as n from outbox');
      const relayWorker = spawnNode('worker-relay', [workerMain], workerEnv('relay'), path.join(work, `worker-relay-${roundNo}.log`));
      spawned.push(relayWorker);
      try {
        const spawnedAt = performance.now();
        let first: { at: number; left: number } | undefined;
        let left = total;
        while (left > 0) {
          if (performance.now() - spawnedAt > DRAIN_TIMEOUT_MS)
            throw new Error(`relay left ${left} of ${total} events after ${DRAIN_TIMEOUT_MS} ms; see ${relayWorker.logFile}`);
          if (relayWorker.child.exitCode !== null)
            throw new Error(`relay worker exited (${relayWorker.child.exitCode}); see ${relayWorker.logFile}`);
          await sleep(10);
          left = await count('select count(*)::int as n from outbox');
          // The clock starts at the first batch gone: process start, database and broker
          // connections are not the relay's rate (the ceiling leaves its first batch out too).
          if (first === undefined && left < total) first = { at: performance.now(), left };
        }
        const end = performance.now();
        const seconds = (end - first!.at) / 1000;
        const relay = { events: first!.left, eventsPerSecond: first!.left / seconds, seconds, wallSeconds: (end - spawnedAt) / 1000 };
        log(
          `  relay: ${total} events, ${relay.eventsPerSecond.toFixed(0)} events/s after the first batch (${relay.wallSeconds.toFixed(2)} s from process start)`,
        );

        const catchUpFrom = performance.now();
        while ((await loggedIn()) < expectedAudit) {
          if (performance.now() - catchUpFrom > AUDIT_TIMEOUT_MS)
            throw new Error(`audit consumer did not record the pre-filled events within ${AUDIT_TIMEOUT_MS} ms`);
          await sleep(20);
        }
        const auditCatchUpSeconds = (performance.now() - catchUpFrom) / 1000;
        ceilings.push(await ceiling());

        const logins = await timeLogins(durationS, LOGIN_RATE);
        expectedAudit += logins.sent - logins.failed;
        return { relay, ceilings, auditCatchUpSeconds, logins };
      } finally {
        await relayWorker.stop();
      }
    };

    return { settings, round, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
