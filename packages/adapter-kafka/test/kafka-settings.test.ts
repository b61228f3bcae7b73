import { readKafkaVariables } from '@authsvc/runtime';
import { describe, expect, it } from 'vitest';
import { kafkaSettings } from '../src/index.js';

/** The settings a process hands the adapter from these variables. */
const settingsFrom = (env: Record<string, string>) => kafkaSettings(readKafkaVariables(env));

describe('kafkaSettings', () => {
  it('applies the defaults', () => {
    expect(settingsFrom({ KAFKA_BROKERS: 'localhost:9092' })).toEqual({
      brokers: ['localhost:9092'],
      clientId: 'authsvc',
      topic: 'auth.events',
      idempotent: true,
    });
  });

  it('reads every variable, trimming a comma list', () => {
    expect(
      settingsFrom({
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
});
