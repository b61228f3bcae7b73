import { setTimeout as sleep } from 'node:timers/promises';
import { parseEvent, type AuthEvent, type InvalidEventCode } from '@authsvc/contracts';
import {
  createKafkaClient,
  type KafkaBatchContext,
  type KafkaClientLike,
  type KafkaClientOptions,
  type KafkaConsumerConfig,
  type KafkaConsumerLike,
  type KafkaHeaderValue,
  type KafkaIncomingMessage,
  type KafkaProducerLike,
} from './kafka-client.js';
import { DEFAULT_DLQ_TOPIC } from './kafka-settings.js';

/** Header names a dead-lettered record carries; its key and value are the original's, byte for byte. */
export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  error: 'dlq-error',
  topic: 'dlq-original-topic',
  partition: 'dlq-original-partition',
  offset: 'dlq-original-offset',
  timestamp: 'dlq-original-timestamp',
  groupId: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/** Why a record was dead-lettered: it is not a valid event, or the handler kept failing on it. */
export type DeadLetterReason = InvalidEventCode | 'handler_failed';

/** A record sent to the dead-letter topic, as reported to `onDeadLetter`. */
export interface DeadLetter {
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** How many times the handler ran on it; 0 when the record never parsed. */
  readonly attempts: number;
}

/** Where the event being handled came from, and how to notice that the consumer is stopping. */
export interface EventHandlerContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** 1 on the first delivery to the handler, counting up on each retry. */
  readonly attempt: number;
  /** Records after this one in its partition when the batch was fetched; null when the broker did not say. */
  readonly lag: number | null;
  /** Aborted when `stop()` is called; a long handler may give up early and be redelivered later. */
  readonly signal: AbortSignal;
}

/** Handles one event, parsed into the domain's shape. Must be idempotent by `event.id`: delivery is at least once. */
export type EventHandler = (event: AuthEvent, context: EventHandlerContext) => Promise<void> | void;

/** Exponential backoff between handler attempts. */
export interface RetryBackoff {
  /** Wait after the first failure; doubled after each further one. Default 200 ms. */
  readonly initialMs?: number;
  /** Upper bound of one wait. Default 5 s. */
  readonly maxMs?: number;
}

/** Where a consumer stands: in its group, on its way in, or waiting to restart after a crash. */
export type ConsumerState = 'joining' | 'joined' | 'restarting' | 'stopped';

/** Options of `runEventConsumer`. */
export interface EventConsumerOptions extends Omit<KafkaClientOptions, 'brokers'> {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly topic: string;
  readonly handler: EventHandler;
  /** Defaults to `auth.events.dlq`. */
  readonly dlqTopic?: string;
  /** Handler runs per record before it is dead-lettered. Default 5. */
  readonly maxAttempts?: number;
  readonly backoff?: RetryBackoff;
  /** Wait before restarting a crashed consumer, doubling with each crash before a successful join. Default 1 s to 30 s. */
  readonly restartBackoff?: RetryBackoff;
  /** Where a group with no committed offset starts; default true, so a new subscriber misses nothing. */
  readonly fromBeginning?: boolean;
  /** Idempotence of the dead-letter producer; default true, false against the librdkafka mock. */
  readonly idempotent?: boolean;
  /** Group timeouts and fetch tuning; the defaults suit production, tests want them short. */
  readonly consumerConfig?: Omit<KafkaConsumerConfig, 'groupId' | 'restartOnFailure'>;
  /** A client to use instead of creating one from `brokers` (tests, shared connections). */
  readonly client?: KafkaClientLike;
  /** Called after a record was dead-lettered, e.g. to count or alert. */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
  /** Called when the consumer crashed; it is restarted in `restartInMs`. */
  readonly onCrash?: (error: Error, restartInMs: number) => void;
  /** Called after each join of the group, with the partitions of `topic` this member now holds. */
  readonly onJoin?: (partitions: readonly number[]) => void;
}

/** A running consumer. */
export interface EventConsumer {
  /** `joined` while it holds its place in the group; readiness reads it. */
  readonly state: ConsumerState;
  /** Finishes the record in hand, commits what was processed, leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** Handler runs per record before it is dead-lettered, unless configured. */
export const DEFAULT_MAX_ATTEMPTS = 5;

// Long enough to hold a stack's first lines, short enough to stay far below header size limits.
const MAX_ERROR_LENGTH = 2000;

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

function copyHeaders(headers: KafkaIncomingMessage['headers']): Record<string, KafkaHeaderValue> {
  const copy: Record<string, KafkaHeaderValue> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) copy[name] = value;
  return copy;
}

type Outcome = 'processed' | 'abandoned';

/**
 * Consumes auth events in a consumer group and hands each valid one to `handler`, in order per
 * partition (so per user). A record that does not parse, or on which the handler still fails after
 * `maxAttempts` runs with backoff, is copied to the dead-letter topic with the error and skipped.
 * Only handled or dead-lettered records are committed, so a crash redelivers, never loses.
 *
 * A crash of the Kafka consumer, whatever its cause (a broker gone, a rebalance error, or a
 * protocol error kafkajs deems fatal, such as a late SyncGroup answered INVALID_REQUEST), never
 * ends the process: the consumer is recreated after `restartBackoff` and joins again. Rejects
 * only when the first connection fails (the brokers are wrong or unreachable); resolves once the
 * first attempt to join has finished, joined or restarting (see `state`).
 */
export async function runEventConsumer(options: EventConsumerOptions): Promise<EventConsumer> {
  const {
    brokers,
    groupId,
    topic,
    handler,
    dlqTopic = DEFAULT_DLQ_TOPIC,
    maxAttempts = DEFAULT_MAX_ATTEMPTS,
    backoff = {},
    restartBackoff = {},
    fromBeginning = true,
    idempotent = true,
    consumerConfig = {},
    client: givenClient,
    onDeadLetter,
    onCrash,
    onJoin,
    ...clientOptions
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
  const initialBackoffMs = backoff.initialMs ?? 200;
  const maxBackoffMs = backoff.maxMs ?? 5000;
  const initialRestartMs = restartBackoff.initialMs ?? 1000;
  const maxRestartMs = restartBackoff.maxMs ?? 30_000;

  const client = givenClient ?? createKafkaClient({ ...clientOptions, brokers });
  // The same ordering guarantees as the publisher: a dead letter is acknowledged before its offset is.
  const dlqProducer: KafkaProducerLike = client.producer({ idempotent, maxInFlightRequests: 1 });
  const stopping = new AbortController();
  let state: ConsumerState = 'joining';
  let current: KafkaConsumerLike | undefined;
  let crashesSinceJoin = 0;

  async function deadLetter(
    batch: KafkaBatchContext['batch'],
    message: KafkaIncomingMessage,
    reason: DeadLetterReason,
    error: string,
    attempts: number,
  ): Promise<void> {
    await dlqProducer.send({
      topic: dlqTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...copyHeaders(message.headers),
            [DLQ_HEADERS.reason]: reason,
            [DLQ_HEADERS.error]: error,
            [DLQ_HEADERS.topic]: batch.topic,
            [DLQ_HEADERS.partition]: String(batch.partition),
            [DLQ_HEADERS.offset]: message.offset,
            [DLQ_HEADERS.timestamp]: message.timestamp,
            [DLQ_HEADERS.groupId]: groupId,
            [DLQ_HEADERS.attempts]: String(attempts),
            [DLQ_HEADERS.failedAt]: new Date().toISOString(),
          },
        },
      ],
    });
    onDeadLetter?.({ reason, error, topic: batch.topic, partition: batch.partition, offset: message.offset, attempts });
  }

  async function processMessage(context: KafkaBatchContext, message: KafkaIncomingMessage): Promise<Outcome> {
    const { batch } = context;
    const parsed = message.value === null ? null : parseEvent(message.value);
    if (parsed === null || !parsed.ok) {
      const error = parsed === null ? 'record has no value (a tombstone)' : parsed.error.message;
      await deadLetter(batch, message, parsed === null ? 'invalid_json' : parsed.error.code, error, 0);
      return 'processed';
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await handler(parsed.value, {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          attempt,
          lag: batch.highWatermark === undefined ? null : Math.max(0, Number(batch.highWatermark) - Number(message.offset) - 1),
          signal: stopping.signal,
        });
        return 'processed';
      } catch (error) {
        if (attempt >= maxAttempts) {
          await deadLetter(batch, message, 'handler_failed', describeError(error), attempt);
          return 'processed';
        }
        // A stop during retries leaves the record uncommitted for whoever takes the partition next,
        // rather than holding up the shutdown or dead-lettering a record that might yet succeed.
        if (stopping.signal.aborted) return 'abandoned';
        const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
        try {
          await sleep(delay, undefined, { signal: stopping.signal });
        } catch {
          return 'abandoned';
        }
        // Retries can outlast the session timeout; heartbeating keeps the partition ours meanwhile.
        await context.heartbeat();
      }
    }
  }

  const eachBatch = async (context: KafkaBatchContext): Promise<void> => {
    for (const message of context.batch.messages) {
      if (!context.isRunning() || context.isStale() || stopping.signal.aborted) break;
      if ((await processMessage(context, message)) === 'abandoned') break;
      context.resolveOffset(message.offset);
      await context.heartbeat();
    }
  };

  /** Creates a consumer, joins the group with it and runs it; a failure here is a crash like any other. */
  const incarnate = async (): Promise<void> => {
    // Every crash takes the one restart path below (with backoff and `state`), so kafkajs' own
    // restart, which it only attempts for retriable errors, is turned off.
    const consumer = client.consumer({ ...consumerConfig, groupId, restartOnFailure: async () => false });
    current = consumer;
    state = 'joining';
    consumer.on('consumer.group_join', (event) => {
      if (current !== consumer || stopping.signal.aborted) return;
      crashesSinceJoin = 0;
      state = 'joined';
      onJoin?.(event.payload.memberAssignment[topic] ?? []);
    });
    // kafkajs has already disconnected (and so left the group, if it was in it) when it says so.
    consumer.on('consumer.crash', (event) => {
      if (current === consumer) crashed(event.payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning });
      // A stop() while this was connecting found nothing running yet: it must not start now.
      if (stopping.signal.aborted) return await consumer.disconnect();
      // kafkajs commits the resolved offsets after every batch, before a rebalance and on stop;
      // resolving only what we finished is what keeps unprocessed records uncommitted.
      await consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  };

  function crashed(error: Error): void {
    if (stopping.signal.aborted) return;
    crashesSinceJoin += 1;
    state = 'restarting';
    const delay = Math.min(maxRestartMs, initialRestartMs * 2 ** (crashesSinceJoin - 1));
    onCrash?.(error, delay);
    sleep(delay, undefined, { signal: stopping.signal }).then(
      () => incarnate().catch((failure: unknown) => crashed(failure instanceof Error ? failure : new Error(String(failure)))),
      () => undefined,
    );
  }

  try {
    await dlqProducer.connect();
    await incarnate();
  } catch (error) {
    stopping.abort();
    await dlqProducer.disconnect().catch(() => undefined);
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    get state() {
      return state;
    },
    stop: () => {
      stopped ??= (async () => {
        stopping.abort();
        state = 'stopped';
        try {
          await current?.disconnect();
        } finally {
          await dlqProducer.disconnect();
        }
      })();
      return stopped;
    },
  };
}
