import { InvalidEventError, serializeEvent, type AuthEvent } from '@authsvc/contracts';
import { describe, expect, it } from 'vitest';
import {
  createKafkaEventPublisher,
  eventKey,
  KafkaEventPublisher,
  type KafkaClientLike,
  type KafkaOutgoingMessage,
  type KafkaProducerConfig,
  type KafkaProducerLike,
} from '../src/index.js';
import { domainEvent } from './support.js';

/** Records what a publisher asks of its producer; `failConnects` makes the first connects fail. */
class RecordingProducer implements KafkaProducerLike {
  connects = 0;
  disconnects = 0;
  sent: { topic: string; messages: KafkaOutgoingMessage[]; acks?: number }[] = [];

  constructor(private failConnects = 0) {}

  async connect(): Promise<void> {
    this.connects += 1;
    if (this.failConnects > 0) {
      this.failConnects -= 1;
      throw new Error('broker unreachable');
    }
  }

  async disconnect(): Promise<void> {
    this.disconnects += 1;
  }

  async send(record: { topic: string; messages: KafkaOutgoingMessage[]; acks?: number }): Promise<unknown> {
    this.sent.push(record);
    return [];
  }
}

describe('KafkaEventPublisher', () => {
  it('sends one acks=-1 request per batch, keyed by user, with type, id and version headers', async () => {
    const producer = new RecordingProducer();
    const publisher = new KafkaEventPublisher(producer, { topic: 'auth.events.test' });
    const login = domainEvent('user.logged_in', 12, {});
    const failed = domainEvent('user.login_failed', null, { email: 'x@example.com', reason: 'disabled' });

    await publisher.publish([login, failed]);

    expect(producer.sent).toEqual([
      {
        topic: 'auth.events.test',
        acks: -1,
        messages: [
          {
            key: '12',
            value: serializeEvent(login),
            headers: { 'event-type': 'user.logged_in', 'event-id': login.id, 'event-version': '1' },
          },
          {
            key: failed.id,
            value: serializeEvent(failed),
            headers: { 'event-type': 'user.login_failed', 'event-id': failed.id, 'event-version': '1' },
          },
        ],
      },
    ]);
    expect(eventKey(login)).toBe('12');
  });

  it('publishes nothing when an event in the batch breaks the contract', async () => {
    const producer = new RecordingProducer();
    const publisher = new KafkaEventPublisher(producer);
    const broken: AuthEvent = { ...domainEvent('tokens.purged', 1, { count: 1 }), id: 'not-a-uuid' };

    await expect(publisher.publish([domainEvent('user.logged_in', 1, {}), broken])).rejects.toBeInstanceOf(InvalidEventError);
    expect(producer.sent).toEqual([]);
  });

  it('connects lazily once, retries a failed connect on the next publish, and skips empty batches', async () => {
    const producer = new RecordingProducer(1);
    const publisher = new KafkaEventPublisher(producer);

    await publisher.publish([]);
    expect(producer.connects).toBe(0);
    await expect(publisher.publish([domainEvent('user.logged_in', 1, {})])).rejects.toThrow('broker unreachable');
    await publisher.publish([domainEvent('user.logged_in', 1, {})]);
    await publisher.publish([domainEvent('user.logged_in', 1, {})]);
    expect(producer.connects).toBe(2);
    expect(producer.sent).toHaveLength(2);
    await publisher.disconnect();
    expect(producer.disconnects).toBe(1);
  });

  it('configures the producer from the settings for ordered, acknowledged sends', () => {
    const configs: (KafkaProducerConfig | undefined)[] = [];
    const client: KafkaClientLike = {
      producer: (config) => {
        configs.push(config);
        return new RecordingProducer();
      },
      consumer: () => {
        throw new Error('not used');
      },
    };
    const publisher = createKafkaEventPublisher(
      { brokers: ['kafka:9092'], clientId: 'authsvc', topic: 'auth.events', idempotent: true },
      { client },
    );
    expect(publisher.topic).toBe('auth.events');
    expect(configs).toEqual([{ idempotent: true, maxInFlightRequests: 1 }]);
  });
});
