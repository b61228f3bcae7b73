/**
 * The ceiling of the outbox relay, in its own process: publishes the same number of records of
 * the same size as the relay moved, through a bare kafkajs producer with the relay's settings
 * (acks -1, one request in flight, the relay's batch size, sent one batch after another), to the
 * same broker, with no database. Reads {@link KafkaCeilingSpec} as JSON from argv[2] and prints
 * `{ eventsPerSecond, seconds }`.
 */
import { createKafkaClient, toKafkaMessage } from '@authsvc/adapter-kafka';
import { toDomainEvent } from '@authsvc/contracts';
import { loginPayloads } from './outbox-fixture.js';

/** What to publish, and where. */
export interface KafkaCeilingSpec {
  readonly brokers: string[];
  readonly topic: string;
  readonly count: number;
  readonly users: number;
  readonly batchSize: number;
  readonly idempotent: boolean;
}

const spec = JSON.parse(process.argv[2]!) as KafkaCeilingSpec;
// Serialised up front: what is measured is the producer and the broker, not JSON.stringify.
const messages = loginPayloads(spec.count, spec.users).map((payload) => toKafkaMessage(toDomainEvent(payload)));
const producer = createKafkaClient({ brokers: spec.brokers, clientId: 'authsvc-bench-ceiling', logLevel: 'warn' }).producer({
  idempotent: spec.idempotent,
  maxInFlightRequests: 1,
});
await producer.connect();
// One batch first, untimed: it creates the topic and fetches its metadata, which the relay's
// first batch also pays before the clock of the relay figure starts.
await producer.send({ topic: spec.topic, messages: messages.slice(0, spec.batchSize), acks: -1 });
const started = performance.now();
for (let i = 0; i < messages.length; i += spec.batchSize) {
  await producer.send({ topic: spec.topic, messages: messages.slice(i, i + spec.batchSize), acks: -1 });
}
const seconds = (performance.now() - started) / 1000;
await producer.disconnect();
process.stdout.write(JSON.stringify({ eventsPerSecond: spec.count / seconds, seconds }));
