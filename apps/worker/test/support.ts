import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKafkaClient,
  EVENT_HEADERS,
  toKafkaMessage,
  type KafkaConsumerLike,
  type KafkaIncomingMessage,
} from '@authsvc/adapter-kafka';
import { startMockKafka, testClientOptions, testConsumerConfig, uniqueName, type MockKafka } from '@authsvc/adapter-kafka/testing';
import { openDatabase, type OpenDatabase } from '@authsvc/adapter-postgres';
import { createApiApp, loadConfig, type ApiApp } from '@authsvc/api';
import { testApiEnv } from '@authsvc/api/testing';
import { EVENT_VERSION, type EventOf } from '@authsvc/domain';
import { ManualClock } from '@authsvc/testing';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { startWorker, type Worker } from '../src/composition-root.js';
import { loadWorkerConfig } from '../src/config.js';

/** Resolves when `predicate` holds, polling; rejects naming `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A record as the recorder saw it, with its topic and partition. */
export interface RecordedMessage extends KafkaIncomingMessage {
  readonly topic: string;
  readonly partition: number;
}

/** Every record of some topics, read raw from the beginning by one consumer, to check what went over the wire. */
export interface TopicRecorder {
  readonly records: RecordedMessage[];
  /** The records of one topic, in arrival order (per partition, offset order). */
  of(topic: string): RecordedMessage[];
  stop(): Promise<void>;
}

/** Starts one raw consumer for the file, so its group join (seconds on the mock) is paid once. */
export async function startTopicRecorder(brokers: readonly string[], topics: string[]): Promise<TopicRecorder> {
  const consumer: KafkaConsumerLike = createKafkaClient({ ...testClientOptions, brokers }).consumer({
    ...testConsumerConfig,
    groupId: uniqueName('recorder'),
  });
  const records: RecordedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) records.push({ ...message, topic: batch.topic, partition: batch.partition });
    },
  });
  return { records, of: (topic) => records.filter((record) => record.topic === topic), stop: () => consumer.disconnect() };
}

/** Where `sendSentinels` publishes, and who must have seen its sentinels before it returns. */
export interface SentinelTarget {
  readonly kafka: MockKafka;
  readonly topic: string;
  readonly recorder: TopicRecorder;
  /** Ids of the events the audit consumer has recorded. */
  auditedIds(): Promise<string[]>;
}

/**
 * Publishes one sentinel event under each of `keys` (the partition keys of the events a test
 * counts) and waits until the recorder and the audit consumer have both seen every sentinel.
 * Each partition is read and handled in order, so everything published under those keys before,
 * a duplicate included, has been seen by then: counting afterwards needs no sleep. Returns the
 * sentinels' ids; they belong to no user and carry no email, so per-user counts leave them out.
 */
export async function sendSentinels(target: SentinelTarget, keys: Iterable<string>): Promise<Set<string>> {
  const sentinels = [...new Set(keys)].map((key) => {
    const event: EventOf<'user.logged_in'> = {
      id: randomUUID(),
      type: 'user.logged_in',
      version: EVENT_VERSION,
      occurredAt: new Date(),
      userId: null,
      metadata: { ip: null, userAgent: null, requestId: 'sentinel' },
      data: {},
    };
    return { id: event.id, message: { ...toKafkaMessage(event), key } };
  });
  const ids = new Set(sentinels.map((sentinel) => sentinel.id));
  const producer = createKafkaClient({ ...testClientOptions, brokers: target.kafka.brokers }).producer({
    idempotent: target.kafka.idempotent,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    await producer.send({ topic: target.topic, acks: -1, messages: sentinels.map((sentinel) => sentinel.message) });
  } finally {
    await producer.disconnect();
  }
  const seen = (found: Iterable<string | undefined>): boolean => {
    const all = new Set(found);
    return [...ids].every((id) => all.has(id));
  };
  await eventually(
    async () =>
      seen(target.recorder.of(target.topic).map((record) => record.headers?.[EVENT_HEADERS.id]?.toString())) &&
      seen(await target.auditedIds()),
    `${ids.size} sentinel events on the topic and in the audit log`,
  );
  return ids;
}

/** A response as the tests look at it. */
export interface TestResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Everything one test file runs against: a broker, a database, the real API writing the outbox, and the clock they share. */
export interface Harness {
  readonly kafka: MockKafka;
  readonly database: OpenDatabase;
  readonly clock: ManualClock;
  readonly topic: string;
  readonly dlqTopic: string;
  readonly api: ApiApp;
  /** Sends a JSON request to the API over loopback HTTP. */
  request(method: string, path: string, body?: unknown, token?: string): Promise<TestResponse>;
  /** The environment of a worker on this harness's broker, topics, groups and database; `env` overrides it. */
  workerEnv(env?: Record<string, string>): Record<string, string>;
  /** Starts a worker in this process with `workerEnv(env)`. */
  startWorker(env?: Record<string, string>): Promise<Worker>;
  stop(): Promise<void>;
}

/** Starts the mock broker (or uses KAFKA_BROKERS), a fresh database, and the API in its Kafka mode. */
export async function startHarness(): Promise<Harness> {
  const [kafka, database] = await Promise.all([startMockKafka(), createTestDatabase().then((created) => openDatabase(created, TEST_POOL))]);
  const clock = new ManualClock(new Date());
  const topic = uniqueName('auth.events');
  const dlqTopic = `${topic}.dlq`;
  const api = await createApiApp(loadConfig(testApiEnv(database.url, { KAFKA_BROKERS: kafka.brokers.join(',') })), { clock });
  const address = await api.server.listen({ host: '127.0.0.1', port: 0 });
  const workers: Worker[] = [];
  // One pair of groups per file, so workers started side by side share them.
  const groups = { AUDIT_GROUP_ID: uniqueName('audit'), CLEANUP_GROUP_ID: uniqueName('cleanup') };
  const workerEnv = (env: Record<string, string> = {}): Record<string, string> => ({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_IDEMPOTENT: String(kafka.idempotent),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: dlqTopic,
    ...groups,
    RELAY_POLL_INTERVAL_MS: '20',
    // The mock forms and re-forms groups within a session timeout: short ones keep tests quick.
    KAFKA_SESSION_TIMEOUT_MS: String(testConsumerConfig.sessionTimeout),
    KAFKA_HEARTBEAT_INTERVAL_MS: String(testConsumerConfig.heartbeatInterval),
    KAFKA_REBALANCE_TIMEOUT_MS: String(testConsumerConfig.rebalanceTimeout),
    KAFKA_MAX_WAIT_MS: String(testConsumerConfig.maxWaitTimeInMs),
    LOG_LEVEL: process.env['WORKER_TEST_LOG_LEVEL'] ?? 'silent',
    // The mailer role runs by default: emails go outside the repository.
    MAIL_DIR: join(tmpdir(), 'authsvc-test-mail'),
    ...env,
  });

  return {
    kafka,
    database,
    clock,
    topic,
    dlqTopic,
    api,
    async request(method, path, body, token) {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token !== undefined) headers['authorization'] = `Token ${token}`;
      const response = await fetch(`${address}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    workerEnv,
    async startWorker(env = {}) {
      const config = loadWorkerConfig(workerEnv(env));
      const worker = await startWorker(config, {
        clock,
        kafkaClientOptions: testClientOptions,
        consumerBackoff: { initialMs: 20, maxMs: 100 },
      });
      workers.push(worker);
      return worker;
    },
    async stop() {
      kafka.resume();
      await Promise.allSettled(workers.map((worker) => worker.stop()));
      await api.close();
      await database.close();
      await kafka.stop();
    },
  };
}

/** An account to register, unique per call. */
export function someone(name: string): { first_name: string; last_name: string; email: string; password1: string; password2: string } {
  return {
    first_name: name,
    last_name: 'Test',
    email: `${name.toLowerCase()}@example.com`,
    password1: 'Password123',
    password2: 'Password123',
  };
}
