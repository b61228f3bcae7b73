import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@authsvc/runtime';
import { loadWorkerConfig, workerConfigVariables } from '../src/config.js';

describe('loadWorkerConfig', () => {
  it('needs KAFKA_BROKERS and defaults the rest', () => {
    expect(() => loadWorkerConfig({})).toThrow(ConfigError);
    const config = loadWorkerConfig({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(config).toMatchObject({
      kafka: { brokers: ['127.0.0.1:9092'], topic: 'auth.events', idempotent: true },
      KAFKA_DLQ_TOPIC: 'auth.events.dlq',
      WORKER_ROLES: ['relay', 'audit', 'cleanup', 'mailer'],
      AUDIT_GROUP_ID: 'authsvc-audit',
      CLEANUP_GROUP_ID: 'authsvc-token-cleanup',
    });
  });

  it('runs only the roles asked for, and names a bad one', () => {
    expect(loadWorkerConfig({ KAFKA_BROKERS: 'k:9092', WORKER_ROLES: ' audit , cleanup' }).WORKER_ROLES).toEqual(['audit', 'cleanup']);
    expect(() => loadWorkerConfig({ KAFKA_BROKERS: 'k:9092', WORKER_ROLES: 'relay,emailer' })).toThrow(/WORKER_ROLES/);
  });

  it('reads the consumer group timeouts and fetch wait, and refuses a heartbeat too close to the session timeout', () => {
    const config = loadWorkerConfig({
      KAFKA_BROKERS: 'k:9092',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      KAFKA_REBALANCE_TIMEOUT_MS: '9000',
      KAFKA_MAX_WAIT_MS: '100',
    });
    expect(config).toMatchObject({
      KAFKA_SESSION_TIMEOUT_MS: 6000,
      KAFKA_HEARTBEAT_INTERVAL_MS: 500,
      KAFKA_REBALANCE_TIMEOUT_MS: 9000,
      KAFKA_MAX_WAIT_MS: 100,
    });
    expect(loadWorkerConfig({ KAFKA_BROKERS: 'k:9092' })).toMatchObject({
      KAFKA_SESSION_TIMEOUT_MS: 30_000,
      KAFKA_HEARTBEAT_INTERVAL_MS: 3_000,
    });
    expect(() =>
      loadWorkerConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '2500' }),
    ).toThrow(/KAFKA_HEARTBEAT_INTERVAL_MS/);
  });

  it('names every faulty variable at once, Kafka ones included, in the shared format and without their values', () => {
    const load = () => loadWorkerConfig({ KAFKA_BROKERS: 'kafka-1', KAFKA_IDEMPOTENT: 'maybe', DB_POOL_SIZE: '0' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/KAFKA_BROKERS: expected a comma-separated list of host:port/);
    expect(load).toThrow(/KAFKA_IDEMPOTENT: expected true or false/);
    expect(load).toThrow(/DB_POOL_SIZE: expected an integer from 1 to 1000/);
    expect(load).not.toThrow(/kafka-1|maybe/);
  });
});

describe('the Worker section of docs/events.md', () => {
  it('names every variable the worker reads', async () => {
    const page = await readFile(new URL('../../../docs/events.md', import.meta.url), 'utf8');
    const section = page.slice(page.indexOf('\n## Worker\n'));
    const text = section.slice(0, section.indexOf('\n## ', 1));
    const documented = new Set([...text.matchAll(/`([A-Z0-9_]+)`/g)].map((match) => match[1]!));
    expect(workerConfigVariables.filter((name) => !documented.has(name))).toEqual([]);
  });
});
