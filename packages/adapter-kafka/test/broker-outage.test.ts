import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaEventPublisher, EVENT_HEADERS } from '../src/index.js';
import { collectRecords, startMockKafka, testClientOptions, uniqueName, type MockKafka } from '../src/testing/index.js';
import { domainEvent } from './support.js';

// Its own file, so its own mock cluster: pausing it must not stall the other suites' brokers.
let kafka: MockKafka;
beforeAll(async () => {
  kafka = await startMockKafka();
});
afterAll(async () => {
  kafka?.resume();
  await kafka?.stop();
});

describe('KafkaEventPublisher during a broker outage', () => {
  it.skipIf(process.env['KAFKA_BROKERS'])('resolves a publish made while the brokers are frozen once they are back', async () => {
    const topic = uniqueName('auth.events');
    const publisher = createKafkaEventPublisher(
      { brokers: kafka.brokers, clientId: 'adapter-kafka-test', topic, idempotent: kafka.idempotent },
      testClientOptions,
    );
    const warmup = domainEvent('user.logged_in', 3, {});
    const during = domainEvent('user.logged_out', 3, { allTokens: false, revoked: 1 });
    try {
      await publisher.publish([warmup]);

      kafka.pause();
      let settled = false;
      const pausedAt = Date.now();
      const publishing = publisher.publish([during]).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(settled).toBe(false);
      kafka.resume();
      await publishing;
      expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(2_000);

      // Exactly once and in order: the frozen request was answered, not retried into a duplicate.
      const records = await collectRecords({ brokers: kafka.brokers, topic, count: 2 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(records.map((record) => record.headers?.[EVENT_HEADERS.id]?.toString())).toEqual([warmup.id, during.id]);
    } finally {
      kafka.resume();
      await publisher.disconnect();
    }
  });
});
