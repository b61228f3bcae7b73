import { KAFKA_DEFAULTS } from '@authsvc/runtime';
import kafkajs from 'kafkajs';

// kafkajs is CommonJS and its `logLevel` export is not a plain shorthand property, so Node's
// named-export detection cannot be trusted with it: take everything from the default export.
const { Kafka, Partitioners, logLevel: KafkaJsLogLevel } = kafkajs;

/** A header value as we write it; a repeated header is an array. */
export type KafkaHeaderValue = string | Buffer | (string | Buffer)[];

/** Headers as a broker hands them back: kafkajs decodes every value to a Buffer, repeated keys to an array. */
export type KafkaIncomingHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/** A record to produce. */
export interface KafkaOutgoingMessage {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Record<string, KafkaHeaderValue>;
}

/** A record as consumed, with the offset that identifies it in its partition. */
export interface KafkaIncomingMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly timestamp: string;
  readonly headers?: KafkaIncomingHeaders;
}

/** The producer calls we make; a kafkajs `Producer` satisfies it. */
export interface KafkaProducerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Resolves once the broker acknowledged the records with the given `acks` (-1: all in-sync replicas). */
  send(record: { topic: string; messages: KafkaOutgoingMessage[]; acks?: number }): Promise<unknown>;
}

/** A fetched run of records from one partition. */
export interface KafkaBatchLike {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaIncomingMessage[];
  /** Offset the partition's next record will get, when the broker said; the consumer's lag is read from it. */
  readonly highWatermark?: string;
}

/** What the consumer hands a batch handler; the subset of kafkajs' `EachBatchPayload` we use. */
export interface KafkaBatchContext {
  readonly batch: KafkaBatchLike;
  /** Marks a record processed, so it is the next committed position and is not fetched again. */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /** True once the partition was seeked or revoked, so the rest of the batch must not be processed. */
  isStale(): boolean;
}

/** An instrumentation event carrying its data under `payload`, as kafkajs emits them. */
export interface KafkaInstrumentationEvent<P> {
  readonly payload: P;
}

/** The consumer calls we make; a kafkajs `Consumer` satisfies it. */
export interface KafkaConsumerLike {
  connect(): Promise<void>;
  /** Stops fetching, waits for the running batch, commits, and leaves the group. */
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(config: {
    autoCommit?: boolean;
    eachBatchAutoResolve?: boolean;
    eachBatch: (context: KafkaBatchContext) => Promise<void>;
  }): Promise<void>;
  on(eventName: 'consumer.crash', listener: (event: KafkaInstrumentationEvent<{ error: Error; restart: boolean }>) => void): unknown;
  /** After each completed join and sync: the partitions this member now holds, by topic. */
  on(
    eventName: 'consumer.group_join',
    listener: (event: KafkaInstrumentationEvent<{ memberAssignment: Record<string, number[]> }>) => void,
  ): unknown;
}

/** How verbose the Kafka client's own logging is. */
export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

/** Retry policy of the client's requests (kafkajs' exponential backoff with jitter). */
export interface KafkaRetryOptions {
  readonly initialRetryTime?: number;
  readonly maxRetryTime?: number;
  readonly retries?: number;
}

/** Producer settings we expose. */
export interface KafkaProducerConfig {
  /** Exactly-once per partition on a real cluster; the librdkafka mock fails it (see design.md). */
  readonly idempotent?: boolean;
  /** 1 keeps per-partition order through retries even without idempotence. */
  readonly maxInFlightRequests?: number;
  readonly retry?: KafkaRetryOptions;
}

/** Consumer group settings we expose; the timeouts matter for how fast a group forms. */
export interface KafkaConsumerConfig {
  readonly groupId: string;
  readonly sessionTimeout?: number;
  readonly rebalanceTimeout?: number;
  readonly heartbeatInterval?: number;
  /** Longest a fetch waits on the broker for new records; lower means less latency when idle. */
  readonly maxWaitTimeInMs?: number;
  readonly retry?: KafkaRetryOptions;
  /** Asked after a retriable crash whether kafkajs should restart the consumer itself. */
  readonly restartOnFailure?: (error: Error) => Promise<boolean>;
}

/** Makes producers and consumers bound to one cluster. */
export interface KafkaClientLike {
  producer(config?: KafkaProducerConfig): KafkaProducerLike;
  consumer(config: KafkaConsumerConfig): KafkaConsumerLike;
}

/** Where the cluster is and how the client behaves towards it. */
export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Defaults to `warn`: kafkajs logs every reconnect at `info`. */
  readonly logLevel?: KafkaLogLevel;
  readonly retry?: KafkaRetryOptions;
  readonly connectionTimeout?: number;
  /** Must outlast a broker outage that a send should survive without being retried (and so duplicated). */
  readonly requestTimeout?: number;
}

const logLevels = {
  nothing: KafkaJsLogLevel.NOTHING,
  error: KafkaJsLogLevel.ERROR,
  warn: KafkaJsLogLevel.WARN,
  info: KafkaJsLogLevel.INFO,
  debug: KafkaJsLogLevel.DEBUG,
} as const satisfies Record<KafkaLogLevel, number>;

/** The default client id, so broker logs name this service. */
export const DEFAULT_CLIENT_ID = KAFKA_DEFAULTS.clientId;

/** Creates a kafkajs-backed client; the only place this package touches kafkajs' own types. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClientLike {
  if (options.brokers.length === 0) throw new Error('createKafkaClient: at least one broker is required');
  const kafka = new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    logLevel: logLevels[options.logLevel ?? 'warn'],
    ...(options.retry ? { retry: { ...options.retry } } : {}),
    ...(options.connectionTimeout !== undefined ? { connectionTimeout: options.connectionTimeout } : {}),
    ...(options.requestTimeout !== undefined ? { requestTimeout: options.requestTimeout } : {}),
  });
  return {
    // Named explicitly: the Java-compatible partitioner puts a key on the same partition as Java
    // clients would, and naming it silences kafkajs' "default partitioner changed" warning.
    producer: (config = {}): KafkaProducerLike =>
      kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        ...config,
        ...(config.retry ? { retry: { ...config.retry } } : {}),
      }),
    consumer: ({ restartOnFailure, retry, ...config }): KafkaConsumerLike =>
      kafka.consumer({
        ...config,
        ...(retry || restartOnFailure ? { retry: { ...retry, ...(restartOnFailure ? { restartOnFailure } : {}) } } : {}),
      }),
  };
}
