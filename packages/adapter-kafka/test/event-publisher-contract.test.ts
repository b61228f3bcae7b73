import { parseEvent } from '@authsvc/contracts';
import { describeEventPublisherContract } from '@authsvc/testing';
import { afterAll, beforeAll } from 'vitest';
import { createKafkaEventPublisher } from '../src/index.js';
import { collectRecords, startMockKafka, testClientOptions, uniqueName, type MockKafka } from '../src/testing/index.js';

let kafka: MockKafka;
beforeAll(async () => {
  kafka = await startMockKafka();
});
afterAll(async () => {
  await kafka?.stop();
});

// What subscribers receive is what is on the topic, read back through the one envelope parser.
describeEventPublisherContract('KafkaEventPublisher', async () => {
  const topic = uniqueName('auth.events');
  const publisher = createKafkaEventPublisher(
    { brokers: kafka.brokers, clientId: 'adapter-kafka-contract', topic, idempotent: kafka.idempotent },
    testClientOptions,
  );
  return {
    publisher,
    received: async (count) => {
      const records = await collectRecords({ brokers: kafka.brokers, topic, count });
      return records.map((record) => {
        const parsed = parseEvent(record.value ?? '');
        if (!parsed.ok) throw parsed.error;
        return parsed.value;
      });
    },
    close: () => publisher.disconnect(),
  };
});
