import { describe, expect, it } from 'vitest';
import { MockKafkaError, startMockKafka } from '../src/testing/index.js';

describe('startMockKafka', () => {
  it('uses KAFKA_BROKERS when set, and refuses to pause a real cluster', async () => {
    const kafka = await startMockKafka({ env: { KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092' } });
    expect(kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(kafka.idempotent).toBe(true);
    expect(kafka.canPause).toBe(false);
    expect(() => kafka.pause()).toThrow(MockKafkaError);
    await kafka.stop();
    const notIdempotent = await startMockKafka({ env: { KAFKA_BROKERS: 'kafka-1:9092', KAFKA_IDEMPOTENT: 'false' } });
    expect(notIdempotent.idempotent).toBe(false);
  });

  it('says so clearly when kcat is not installed', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(startMockKafka({ env: {} })).rejects.toThrow(/kcat is not installed/);
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('starts a mock cluster whose stop() ends only its own kcat', async () => {
    const first = await startMockKafka({ env: {}, numBrokers: 1 });
    const second = await startMockKafka({ env: {} });
    expect(first.brokers).toHaveLength(1);
    expect(second.brokers).toHaveLength(3);
    expect(first.canPause).toBe(true);
    expect(first.idempotent).toBe(false);
    await first.stop();
    const [host, port] = second.brokers[0]!.split(':');
    const { connect } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), host, () => {
        socket.end();
        resolve();
      });
      socket.once('error', reject);
    });
    await second.stop();
  });
});
