import { serializeEvent, type AuthEvent } from '@authsvc/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaEventPublisher, EVENT_HEADERS, runEventConsumer, type EventHandler } from '../src/index.js';
import { collectRecords, startMockKafka, testClientOptions, testConsumerConfig, uniqueName, type MockKafka } from '../src/testing/index.js';
import { domainEvent, eventually } from './support.js';

let kafka: MockKafka;
beforeAll(async () => {
  kafka = await startMockKafka();
});
afterAll(async () => {
  await kafka?.stop();
});

function publisherFor(topic: string) {
  return createKafkaEventPublisher(
    { brokers: kafka.brokers, clientId: 'adapter-kafka-test', topic, idempotent: kafka.idempotent },
    testClientOptions,
  );
}

function consume(topic: string, handler: EventHandler) {
  return runEventConsumer({
    ...testClientOptions,
    brokers: kafka.brokers,
    groupId: uniqueName('audit'),
    topic,
    dlqTopic: `${topic}.dlq`,
    handler,
    idempotent: kafka.idempotent,
    consumerConfig: testConsumerConfig,
  });
}

describe('KafkaEventPublisher and runEventConsumer', () => {
  it('round-trips events with the user as key and type and id as headers', async () => {
    const topic = uniqueName('auth.events');
    const events = [
      domainEvent('user.registered', 41, { email: 'john@example.com', firstName: 'John', lastName: 'Doe' }),
      domainEvent('user.logged_in', 41, {}),
      domainEvent('user.login_failed', null, { email: 'who@example.com', reason: 'bad_credentials' }),
      domainEvent('user.logged_out', 41, { allTokens: true, revoked: 2 }),
      domainEvent('token.expired', 41, { expiredAt: new Date().toISOString() }),
      domainEvent('tokens.purged', 41, { count: 3 }),
    ];
    const publisher = publisherFor(topic);
    const received: AuthEvent[] = [];
    const lags: (number | null)[] = [];
    try {
      await publisher.publish(events);
      // Started together: each group join costs the mock's fixed 3 s.
      const [consumer, records] = await Promise.all([
        consume(topic, (event, context) => {
          received.push(event);
          lags.push(context.lag);
        }),
        collectRecords({ brokers: kafka.brokers, topic, count: events.length }),
      ]);
      try {
        await eventually(() => received.length === events.length, 'the consumer to handle every event');

        const byId = new Map(records.map((record) => [record.headers?.[EVENT_HEADERS.id]?.toString(), record]));
        for (const event of events) {
          const record = byId.get(event.id);
          expect(record, `record of ${event.type}`).toBeDefined();
          expect(record?.key?.toString()).toBe(event.userId === null ? event.id : String(event.userId));
          expect(record?.headers?.[EVENT_HEADERS.type]?.toString()).toBe(event.type);
          expect(record?.headers?.[EVENT_HEADERS.version]?.toString()).toBe('1');
          expect(record?.value?.toString()).toBe(serializeEvent(event));
        }
        // The handler gets back the very events the domain recorded, times as Dates.
        expect(received).toEqual(expect.arrayContaining(events));
        // The records still ahead in the partition, for the consumer lag metric: none after the last.
        expect(lags.every((lag) => Number.isInteger(lag) && lag! >= 0)).toBe(true);
        expect(lags).toContain(0);
        // user 41's events share a key, so they arrive in the order they were published
        expect(received.filter((e) => e.userId === 41).map((e) => e.type)).toEqual(
          events.filter((e) => e.userId === 41).map((e) => e.type),
        );
      } finally {
        await consumer.stop();
      }
    } finally {
      await publisher.disconnect();
    }
  });

  it("keeps each user's events in order across partitions and publish batches", async () => {
    const topic = uniqueName('auth.events');
    const users = [1, 2, 3, 4, 5, 6, 7, 8];
    const perUser = 30;
    const publisher = publisherFor(topic);
    const seen = new Map<number, { seq: number; partition: number }[]>();
    const consumer = await consume(topic, (event, context) => {
      if (event.type !== 'user.logged_out' || event.userId === null) throw new Error(`unexpected ${event.type}`);
      const list = seen.get(event.userId) ?? [];
      list.push({ seq: event.data.revoked, partition: context.partition });
      seen.set(event.userId, list);
    });
    try {
      // Several batches, each interleaving every user, published one after another as the outbox relay does.
      const batches = [];
      for (let start = 0; start < perUser; start += 5) {
        const batch = [];
        for (let seq = start; seq < start + 5; seq += 1) {
          for (const user of users) batch.push(domainEvent('user.logged_out', user, { allTokens: false, revoked: seq }));
        }
        batches.push(batch);
      }
      for (const batch of batches) await publisher.publish(batch);

      const total = users.length * perUser;
      await eventually(() => [...seen.values()].reduce((n, list) => n + list.length, 0) >= total, `${total} events`);
      const partitions = new Set<number>();
      for (const user of users) {
        const list = seen.get(user) ?? [];
        expect(list.map((entry) => entry.seq)).toEqual(Array.from({ length: perUser }, (_, i) => i));
        expect(new Set(list.map((entry) => entry.partition)).size).toBe(1);
        partitions.add(list[0]!.partition);
      }
      // the users really were spread, or this test would prove nothing about cross-partition order
      expect(partitions.size).toBeGreaterThan(1);
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });
});
