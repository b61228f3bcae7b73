import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaEventPublisher, runEventConsumer } from '../src/index.js';
import { startMockKafka, testClientOptions, testConsumerConfig, uniqueName, type MockKafka } from '../src/testing/index.js';
import { domainEvent, eventually } from './support.js';

// Its own file, so its own mock cluster: freezing it must not stall the other suites' brokers.
let kafka: MockKafka;
beforeAll(async () => {
  kafka = await startMockKafka();
});
afterAll(async () => {
  kafka?.resume();
  await kafka?.stop();
});

describe('runEventConsumer after a crash', () => {
  it.skipIf(process.env['KAFKA_BROKERS'])(
    'restarts itself once the brokers answer again, and goes on consuming',
    async () => {
      const topic = uniqueName('auth.events');
      const publisher = createKafkaEventPublisher(
        { brokers: kafka.brokers, clientId: 'adapter-kafka-test', topic, idempotent: kafka.idempotent },
        testClientOptions,
      );
      const seen: string[] = [];
      const crashes: number[] = [];
      const joins: (readonly number[])[] = [];
      const consumer = await runEventConsumer({
        ...testClientOptions,
        // Requests to a frozen broker time out within the test, so the consumer runs out of retries and crashes.
        requestTimeout: 1_000,
        retry: { initialRetryTime: 100, maxRetryTime: 300, retries: 2 },
        brokers: kafka.brokers,
        groupId: uniqueName('audit'),
        topic,
        dlqTopic: `${topic}.dlq`,
        idempotent: kafka.idempotent,
        consumerConfig: { ...testConsumerConfig, retry: { initialRetryTime: 100, maxRetryTime: 300, retries: 2 } },
        restartBackoff: { initialMs: 200, maxMs: 1_000 },
        handler: (event) => {
          seen.push(event.id);
        },
        onCrash: (_error, restartInMs) => crashes.push(restartInMs),
        onJoin: (partitions) => joins.push(partitions),
      });
      try {
        const before = domainEvent('user.logged_in', 5, {});
        await publisher.publish([before]);
        await eventually(() => seen.includes(before.id), 'the first event');
        expect(consumer.state).toBe('joined');

        kafka.pause();
        try {
          await eventually(() => crashes.length > 0 && consumer.state === 'restarting', 'a crash while the brokers are frozen', 60_000);
        } finally {
          kafka.resume();
        }
        const joinsBefore = joins.length;
        const after = domainEvent('user.logged_out', 5, { allTokens: false, revoked: 1 });
        await publisher.publish([after]);
        await eventually(
          () => seen.includes(after.id) && consumer.state === 'joined',
          'the consumer to rejoin and handle the next event',
          60_000,
        );
        expect(joins.length).toBeGreaterThan(joinsBefore);
        // The backoff doubles from 200 ms while the restarts keep failing, and is capped.
        expect(crashes[0]).toBe(200);
        expect(Math.max(...crashes)).toBeLessThanOrEqual(1_000);
      } finally {
        await consumer.stop();
        await publisher.disconnect();
      }
      expect(consumer.state).toBe('stopped');
    },
    150_000,
  );
});
