import { serializeEvent } from '@authsvc/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, DLQ_HEADERS, runEventConsumer, toKafkaMessage, type DeadLetter } from '../src/index.js';
import { collectRecords, startMockKafka, testClientOptions, testConsumerConfig, uniqueName, type MockKafka } from '../src/testing/index.js';
import { domainEvent, eventually } from './support.js';

let kafka: MockKafka;
beforeAll(async () => {
  kafka = await startMockKafka();
});
afterAll(async () => {
  await kafka?.stop();
});

describe('runEventConsumer dead-lettering', () => {
  it('dead-letters unparseable records and ones the handler keeps failing on, and goes on', async () => {
    const topic = uniqueName('auth.events');
    const dlqTopic = `${topic}.dlq`;
    const before = domainEvent('user.logged_in', 5, {});
    const poison = domainEvent('user.logged_out', 5, { allTokens: false, revoked: 1 });
    const after = domainEvent('user.logged_in', 5, {});
    const { id: _id, ...withoutId } = JSON.parse(serializeEvent(before)) as Record<string, unknown>;
    // One key, so one partition: "goes on" then means the records after each poison were handled.
    const raw = [
      toKafkaMessage(before),
      { key: '5', value: '{"id": "truncated', headers: { origin: 'test' } },
      { key: '5', value: JSON.stringify(withoutId) },
      toKafkaMessage(poison),
      toKafkaMessage(after),
    ];
    const producer = createKafkaClient({ ...testClientOptions, brokers: kafka.brokers }).producer({
      idempotent: kafka.idempotent,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    await producer.send({ topic, messages: raw, acks: -1 });
    await producer.disconnect();

    const handled: string[] = [];
    const attempts: number[] = [];
    const letters: DeadLetter[] = [];
    const [consumer, originals, deadLetters] = await Promise.all([
      runEventConsumer({
        ...testClientOptions,
        brokers: kafka.brokers,
        groupId: uniqueName('audit'),
        topic,
        dlqTopic,
        maxAttempts: 3,
        backoff: { initialMs: 20, maxMs: 50 },
        idempotent: kafka.idempotent,
        consumerConfig: testConsumerConfig,
        handler: (event, context) => {
          if (event.id === poison.id) {
            attempts.push(context.attempt);
            throw new Error('audit store rejected the event');
          }
          handled.push(event.id);
        },
        onDeadLetter: (letter) => letters.push(letter),
      }),
      collectRecords({ brokers: kafka.brokers, topic, count: raw.length }),
      collectRecords({ brokers: kafka.brokers, topic: dlqTopic, count: 3 }),
    ]);
    try {
      await eventually(() => handled.length === 2, 'the records after the poison to be handled');
      expect(handled).toEqual([before.id, after.id]);
      expect(attempts).toEqual([1, 2, 3]);

      const offsetOf = (value: string | Buffer | null): string =>
        originals.find((record) => record.value?.toString() === value?.toString())!.offset;
      const header = (record: (typeof deadLetters)[number], name: string) => record.headers?.[name]?.toString();
      const [badJson, badSchema, failed] = deadLetters;

      expect(badJson?.value?.toString()).toBe('{"id": "truncated');
      expect(badJson?.key?.toString()).toBe('5');
      expect(header(badJson!, 'origin')).toBe('test');
      expect(header(badJson!, DLQ_HEADERS.reason)).toBe('invalid_json');
      expect(header(badJson!, DLQ_HEADERS.error)).toMatch(/not UTF-8 JSON/);
      expect(header(badJson!, DLQ_HEADERS.topic)).toBe(topic);
      expect(header(badJson!, DLQ_HEADERS.partition)).toBe(String(originals[0]!.partition));
      expect(header(badJson!, DLQ_HEADERS.offset)).toBe(offsetOf(raw[1]!.value));
      expect(header(badJson!, DLQ_HEADERS.attempts)).toBe('0');

      expect(header(badSchema!, DLQ_HEADERS.reason)).toBe('invalid_event');
      expect(header(badSchema!, DLQ_HEADERS.error)).toMatch(/\bid\b/);
      expect(header(badSchema!, DLQ_HEADERS.offset)).toBe(offsetOf(raw[2]!.value));

      expect(failed?.value?.toString()).toBe(serializeEvent(poison));
      expect(header(failed!, DLQ_HEADERS.reason)).toBe('handler_failed');
      expect(header(failed!, DLQ_HEADERS.error)).toBe('Error: audit store rejected the event');
      expect(header(failed!, DLQ_HEADERS.attempts)).toBe('3');
      expect(header(failed!, DLQ_HEADERS.offset)).toBe(offsetOf(raw[3]!.value));
      expect(header(failed!, 'event-id')).toBe(poison.id);

      expect(letters.map((letter) => letter.reason)).toEqual(['invalid_json', 'invalid_event', 'handler_failed']);
    } finally {
      await consumer.stop();
    }
  });
});
