import { AUTH_EVENT_VERSION, serializeEvent, type AuthEvent } from '@authsvc/contracts';
import {
  createKafkaClient,
  type KafkaClientLike,
  type KafkaClientOptions,
  type KafkaOutgoingMessage,
  type KafkaProducerLike,
  type KafkaRetryOptions,
} from './kafka-client.js';
import { DEFAULT_EVENTS_TOPIC, type KafkaSettings } from './kafka-settings.js';

/** Header names set on every published event, so consumers can route without parsing the body. */
export const EVENT_HEADERS = {
  type: 'event-type',
  id: 'event-id',
  version: 'event-version',
} as const;

/** Where a `KafkaEventPublisher` publishes. */
export interface KafkaEventPublisherOptions {
  /** Defaults to `auth.events`. */
  readonly topic?: string;
}

/**
 * The partition key of an event: its user, so one user's events land on one partition and stay in
 * order; an event about no user has nothing to be ordered with, so its own id spreads the load.
 */
export function eventKey(event: Pick<AuthEvent, 'id' | 'userId'>): string {
  return event.userId === null ? event.id : String(event.userId);
}

/** Turns an event into the Kafka record we publish; throws `InvalidEventError` for an event that breaks the contract. */
export function toKafkaMessage(event: AuthEvent): KafkaOutgoingMessage {
  return {
    key: eventKey(event),
    value: serializeEvent(event),
    headers: {
      [EVENT_HEADERS.type]: event.type,
      [EVENT_HEADERS.id]: event.id,
      [EVENT_HEADERS.version]: String(AUTH_EVENT_VERSION),
    },
  };
}

/** Publishes auth events (typically relayed from the outbox) to a Kafka topic. */
export class KafkaEventPublisher {
  /** The topic this publisher writes to. */
  readonly topic: string;
  private connection: Promise<void> | undefined;

  /** Wraps a producer configured for `acks: -1` ordering; see `createKafkaEventPublisher` for one that is. */
  constructor(
    private readonly producer: KafkaProducerLike,
    options: KafkaEventPublisherOptions = {},
  ) {
    this.topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  }

  /** Connects once; `publish` calls it too, so calling it up front only moves the wait earlier. */
  connect(): Promise<void> {
    this.connection ??= this.producer.connect().catch((error: unknown) => {
      // Forget the failed attempt so the next publish (e.g. the relay's next tick) tries again.
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  /**
   * Publishes the events in one request and resolves only once every in-sync replica has them
   * (`acks: -1`), so the caller may then mark them sent. Rejects if the broker does not acknowledge
   * within the client's retries; the caller keeps the events and tries again later.
   */
  async publish(events: readonly AuthEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Serialize everything before sending anything, so one invalid event does not half-publish a batch.
    const messages = events.map(toKafkaMessage);
    await this.connect();
    await this.producer.send({ topic: this.topic, messages, acks: -1 });
  }

  /** Flushes nothing (every publish already awaited its ack) and closes the connections. */
  async disconnect(): Promise<void> {
    if (this.connection === undefined) return;
    const connection = this.connection;
    this.connection = undefined;
    await connection.catch(() => undefined);
    await this.producer.disconnect();
  }
}

/** Client tuning for `createKafkaEventPublisher`; brokers, client id and topic come from the settings. */
export interface CreateKafkaEventPublisherOptions extends Omit<KafkaClientOptions, 'brokers' | 'clientId'> {
  /** The producer's own retry policy for sends (defaults to the client's). */
  readonly producerRetry?: KafkaRetryOptions;
  /** A client to use instead of creating one from the settings (tests, shared connections). */
  readonly client?: KafkaClientLike;
}

/**
 * Creates a publisher whose producer waits for all in-sync replicas and keeps one request in
 * flight, so a retried send cannot overtake the one before it and one user's events stay in order.
 */
export function createKafkaEventPublisher(settings: KafkaSettings, options: CreateKafkaEventPublisherOptions = {}): KafkaEventPublisher {
  const { client: givenClient, producerRetry, ...clientOptions } = options;
  const client = givenClient ?? createKafkaClient({ ...clientOptions, brokers: settings.brokers, clientId: settings.clientId });
  const producer = client.producer({
    idempotent: settings.idempotent,
    maxInFlightRequests: 1,
    ...(producerRetry ? { retry: producerRetry } : {}),
  });
  return new KafkaEventPublisher(producer, { topic: settings.topic });
}
