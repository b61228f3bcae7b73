import { KAFKA_DEFAULTS, type KafkaVariables } from '@authsvc/runtime';

/** The topic auth events are published to unless configured otherwise. */
export const DEFAULT_EVENTS_TOPIC = KAFKA_DEFAULTS.topic;

/** The topic a consumer dead-letters to unless configured otherwise. */
export const DEFAULT_DLQ_TOPIC = KAFKA_DEFAULTS.dlqTopic;

/** How this service reaches Kafka, as the process's configuration gives it. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  /** On for real clusters; off against the librdkafka mock, which fails idempotent producers. */
  readonly idempotent: boolean;
}

/**
 * The adapter's settings from the process's validated `KAFKA_*` variables (declared, with their
 * defaults and error messages, in `@authsvc/runtime`'s `kafkaVariables`).
 */
export function kafkaSettings(
  variables: Pick<KafkaVariables, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID' | 'KAFKA_TOPIC' | 'KAFKA_IDEMPOTENT'>,
): KafkaSettings {
  return {
    brokers: variables.KAFKA_BROKERS,
    clientId: variables.KAFKA_CLIENT_ID,
    topic: variables.KAFKA_TOPIC,
    idempotent: variables.KAFKA_IDEMPOTENT,
  };
}
