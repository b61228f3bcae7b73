import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaEventPublisher, runEventConsumer, type DeadLetter, type EventHandler } from '../src/index.js';
import { startMockKafka, testClientOptions, testConsumerConfig, uniqueName, type MockKafka } from '../src/testing/index.js';
import { domainEvent, eventually } from './support.js';

let kafka: MockKafka;
beforeAll(async () => {
  kafka = await startMockKafka();
});
afterAll(async () => {
  await kafka?.stop();
});

describe('runEventConsumer stop()', () => {
  it('commits what was processed, so the next member of the group starts after it', async () => {
    const topic = uniqueName('auth.events');
    const groupId = uniqueName('audit');
    const publisher = createKafkaEventPublisher(
      { brokers: kafka.brokers, clientId: 'adapter-kafka-test', topic, idempotent: kafka.idempotent },
      testClientOptions,
    );
    const letters: DeadLetter[] = [];
    const consume = (handler: EventHandler) =>
      runEventConsumer({
        ...testClientOptions,
        brokers: kafka.brokers,
        groupId,
        topic,
        dlqTopic: `${topic}.dlq`,
        // Backoff far longer than the test: stop() must cut the wait short, not sit it out.
        backoff: { initialMs: 60_000, maxMs: 60_000 },
        idempotent: kafka.idempotent,
        consumerConfig: testConsumerConfig,
        handler,
        onDeadLetter: (letter) => letters.push(letter),
      });

    // One user, so one partition and a strict order: three handled, then one the first consumer
    // cannot handle yet (its store is down) and gives up on when stopped.
    const processed = [1, 2, 3].map((n) => domainEvent('user.logged_out', 9, { allTokens: false, revoked: n }));
    const stuck = domainEvent('user.logged_out', 9, { allTokens: false, revoked: 4 });
    const first: string[] = [];
    let stuckAttempts = 0;
    try {
      await publisher.publish([...processed, stuck]);
      const consumer = await consume((event) => {
        if (event.id === stuck.id) {
          stuckAttempts += 1;
          throw new Error('audit store unavailable');
        }
        first.push(event.id);
      });
      await eventually(() => stuckAttempts === 1, 'the first attempt on the stuck event');
      const stopStarted = Date.now();
      await consumer.stop();
      expect(Date.now() - stopStarted).toBeLessThan(5_000);
      expect(first).toEqual(processed.map((event) => event.id));

      const later = domainEvent('user.logged_out', 9, { allTokens: false, revoked: 5 });
      await publisher.publish([later]);
      const second: string[] = [];
      const successor = await consume((event) => {
        second.push(event.id);
      });
      try {
        await eventually(() => second.length >= 2, 'the successor to handle the rest');
        // Give a wrongly uncommitted record time to show up before asserting it did not.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(second).toEqual([stuck.id, later.id]);
        expect(stuckAttempts).toBe(1);
        expect(letters).toEqual([]);
      } finally {
        await successor.stop();
      }
    } finally {
      await publisher.disconnect();
    }
  });
});
