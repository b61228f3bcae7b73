import { DEFAULT_CLIENT_ID } from './kafka-client.js';

/** The topic auth events are published to unless configured otherwise. */
export const DEFAULT_EVENTS_TOPIC = 'auth.events';

/** The topic a consumer dead-letters to unless configured otherwise. */
export const DEFAULT_DLQ_TOPIC = 'auth.events.dlq';

/** How this service reaches Kafka, as read from the environment. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  /** On for real clusters; off against the librdkafka mock, which fails idempotent producers. */
  readonly idempotent: boolean;
}

/** A Kafka setting that is missing or malformed; thrown at start-up so a bad deploy fails fast. */
export class KafkaConfigError extends Error {
  override readonly name = 'KafkaConfigError';
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new KafkaConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Reads `KAFKA_BROKERS` (required, comma-separated `host:port`), `KAFKA_CLIENT_ID` (default
 * `authsvc`), `KAFKA_TOPIC` (default `auth.events`) and `KAFKA_IDEMPOTENT` (default true).
 */
export function kafkaSettingsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): KafkaSettings {
  const brokers = (env['KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0) throw new KafkaConfigError('KAFKA_BROKERS must list at least one host:port');
  const malformed = brokers.filter((broker) => !/^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(broker));
  if (malformed.length > 0) throw new KafkaConfigError(`KAFKA_BROKERS entries must be host:port, got ${malformed.join(', ')}`);
  return {
    brokers,
    clientId: env['KAFKA_CLIENT_ID']?.trim() || DEFAULT_CLIENT_ID,
    topic: env['KAFKA_TOPIC']?.trim() || DEFAULT_EVENTS_TOPIC,
    idempotent: parseBoolean('KAFKA_IDEMPOTENT', env['KAFKA_IDEMPOTENT'], true),
  };
}
