import { describe, expect, it } from 'vitest';
import { KafkaConfigError, kafkaSettingsFromEnv } from '../src/index.js';

describe('kafkaSettingsFromEnv', () => {
  it('applies the defaults', () => {
    expect(kafkaSettingsFromEnv({ KAFKA_BROKERS: 'localhost:9092' })).toEqual({
      brokers: ['localhost:9092'],
      clientId: 'authsvc',
      topic: 'auth.events',
      idempotent: true,
    });
  });

  it('reads every variable, trimming a comma list', () => {
    expect(
      kafkaSettingsFromEnv({
        KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092 ,,[::1]:9093',
        KAFKA_CLIENT_ID: 'authsvc-worker',
        KAFKA_TOPIC: 'auth.events.v1',
        KAFKA_IDEMPOTENT: 'false',
      }),
    ).toEqual({
      brokers: ['kafka-1:9092', 'kafka-2:9092', '[::1]:9093'],
      clientId: 'authsvc-worker',
      topic: 'auth.events.v1',
      idempotent: false,
    });
  });

  it.each([{}, { KAFKA_BROKERS: '' }, { KAFKA_BROKERS: ' , ' }])('requires brokers (%j)', (env) => {
    expect(() => kafkaSettingsFromEnv(env)).toThrow(KafkaConfigError);
  });

  it('rejects a broker without a port and a boolean it cannot read', () => {
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'kafka-1' })).toThrow(/host:port/);
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'kafka-1:9092', KAFKA_IDEMPOTENT: 'maybe' })).toThrow(
      /KAFKA_IDEMPOTENT/,
    );
  });
});
