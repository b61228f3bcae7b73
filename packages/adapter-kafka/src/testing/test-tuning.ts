import { createKafkaClient, type KafkaClientOptions, type KafkaConsumerConfig, type KafkaIncomingMessage } from '../kafka-client.js';
import { uniqueName } from './mock-kafka.js';

/** Client options for tests: silent, and quick to retry on a loopback cluster. */
export const testClientOptions = {
  logLevel: 'nothing',
  retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 10 },
  connectionTimeout: 3000,
} as const satisfies Omit<KafkaClientOptions, 'brokers'>;

/**
 * Consumer group timeouts for tests. The librdkafka mock waits 3 s before completing a new group's
 * first join and `sessionTimeout - 1 s` on later rebalances, so a short session timeout is what
 * keeps a second consumer in the same group from waiting the default 29 s.
 */
export const testConsumerConfig = {
  sessionTimeout: 2500,
  rebalanceTimeout: 3000,
  heartbeatInterval: 250,
  maxWaitTimeInMs: 100,
  retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 10 },
} as const satisfies Omit<KafkaConsumerConfig, 'groupId'>;

/** A record as `collectRecords` returns it, with its partition. */
export interface CollectedRecord extends KafkaIncomingMessage {
  readonly partition: number;
}

/** Options of `collectRecords`. */
export interface CollectRecordsOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Resolve once this many records were read. */
  readonly count: number;
  /** Reject if fewer arrived by then. Default 20 s. */
  readonly timeoutMs?: number;
}

/**
 * Reads the first `count` raw records of a topic (from the beginning, in a throwaway group), to
 * check what really went over the wire: keys, headers and bytes.
 */
export async function collectRecords(options: CollectRecordsOptions): Promise<CollectedRecord[]> {
  const { brokers, topic, count, timeoutMs = 20_000 } = options;
  const consumer = createKafkaClient({ ...testClientOptions, brokers }).consumer({
    ...testConsumerConfig,
    groupId: uniqueName('collector'),
  });
  const records: CollectedRecord[] = [];
  let done: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) records.push({ ...message, partition: batch.partition });
        if (records.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`collectRecords: ${records.length} of ${count} records on ${topic} after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([enough, timeout]).finally(() => clearTimeout(timer));
    return records;
  } finally {
    await consumer.disconnect();
  }
}
