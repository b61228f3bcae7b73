import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  commaList,
  ConfigError,
  databaseVariables,
  flag,
  hostPortList,
  integer,
  kafkaVariables,
  mailSettings,
  mailVariables,
  parseEnvironment,
  processVariables,
  rate,
  readKafkaVariables,
} from '../src/index.js';

/** The message of the ConfigError that parsing these variables throws. */
function problemsOf(schema: z.ZodType, env: Record<string, string>): string {
  try {
    parseEnvironment(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('field builders', () => {
  it('reads an integer in its range, and says which range when it is not', () => {
    const schema = z.object({ N: integer(1, 10) });
    expect(parseEnvironment(schema, { N: '7' })).toEqual({ N: 7 });
    for (const bad of ['0', '11', '2.5', 'seven']) expect(problemsOf(schema, { N: bad })).toContain('N: expected an integer from 1 to 10');
  });

  it('reads a flag as true or false, in any of the usual spellings', () => {
    const schema = z.object({ F: flag() });
    for (const yes of ['true', '1', 'YES', ' on ']) expect(parseEnvironment(schema, { F: yes })).toEqual({ F: true });
    for (const no of ['false', '0', 'No', 'off']) expect(parseEnvironment(schema, { F: no })).toEqual({ F: false });
    expect(problemsOf(schema, { F: 'maybe' })).toContain('F: expected true or false');
  });

  it("reads DRF's rate syntax, or off", () => {
    const schema = z.object({ R: rate() });
    expect(parseEnvironment(schema, { R: '10/min' })).toEqual({ R: { requests: 10, windowSeconds: 60 } });
    expect(parseEnvironment(schema, { R: '3/d' })).toEqual({ R: { requests: 3, windowSeconds: 86_400 } });
    expect(parseEnvironment(schema, { R: 'off' })).toEqual({ R: null });
    expect(problemsOf(schema, { R: '10 per minute' })).toContain('R: expected a rate like 10/min, or off');
  });

  it('reads a comma-separated list of known names, with off when allowed', () => {
    const names = ['a', 'b', 'c'] as const;
    const schema = z.object({ L: commaList(names), O: commaList(names, { off: true }).optional() });
    expect(parseEnvironment(schema, { L: ' c , a', O: 'off' })).toEqual({ L: ['c', 'a'], O: [] });
    expect(problemsOf(schema, { L: 'a,d' })).toContain('L: expected a comma-separated list of a, b, c');
    expect(problemsOf(schema, { L: ' , ' })).toContain('L: expected a comma-separated list of a, b, c');
    expect(problemsOf(schema, { L: 'off' })).toContain('L: expected a comma-separated list of a, b, c');
    expect(problemsOf(schema, { L: 'a', O: 'd' })).toContain('O: expected a comma-separated list of a, b, c, or off');
  });

  it('reads a list of host:port, IPv6 in brackets', () => {
    const schema = z.object({ B: hostPortList() });
    expect(parseEnvironment(schema, { B: ' kafka-1:9092, kafka-2:9092 ,,[::1]:9093' })).toEqual({
      B: ['kafka-1:9092', 'kafka-2:9092', '[::1]:9093'],
    });
    for (const bad of ['kafka-1', ' , ', 'kafka-1:9092,http://x:1'])
      expect(problemsOf(schema, { B: bad })).toContain('B: expected a comma-separated list of host:port');
  });
});

describe('shared variables', () => {
  it('declares the database and process variables once, with the defaults each process picks', () => {
    const schema = z.object({ ...databaseVariables({ poolSize: 5 }), ...processVariables({ shutdownTimeoutMs: 30_000 }) });
    expect(parseEnvironment(schema, {})).toEqual({ DATA_DIR: './.data', DB_POOL_SIZE: 5, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: 30_000 });
    expect(parseEnvironment(schema, { DATABASE_URL: 'postgresql://h/db', EMBEDDED_PG_PORT: '5433' })).toMatchObject({
      DATABASE_URL: 'postgresql://h/db',
      EMBEDDED_PG_PORT: 5433,
    });
  });

  it('reads the Kafka variables with their defaults', () => {
    expect(readKafkaVariables({ KAFKA_BROKERS: 'localhost:9092' })).toEqual({
      KAFKA_BROKERS: ['localhost:9092'],
      KAFKA_CLIENT_ID: 'authsvc',
      KAFKA_TOPIC: 'auth.events',
      KAFKA_DLQ_TOPIC: 'auth.events.dlq',
      KAFKA_IDEMPOTENT: true,
    });
    expect(
      readKafkaVariables({ KAFKA_BROKERS: 'k:1', KAFKA_CLIENT_ID: ' worker ', KAFKA_TOPIC: 'auth.events.v1', KAFKA_IDEMPOTENT: 'false' }),
    ).toMatchObject({ KAFKA_CLIENT_ID: 'worker', KAFKA_TOPIC: 'auth.events.v1', KAFKA_IDEMPOTENT: false });
  });

  it('names every faulty variable in one message and what it should hold, never its value', () => {
    const schema = z.object({
      ...databaseVariables({ poolSize: 10 }),
      ...processVariables({ shutdownTimeoutMs: 10_000 }),
      ...kafkaVariables,
    });
    const message = problemsOf(schema, {
      DATABASE_URL: 'mysql://app:s3cr3t-pw@db/app',
      DB_POOL_SIZE: '0',
      KAFKA_BROKERS: 'secret-broker',
      KAFKA_IDEMPOTENT: 'perhaps',
      LOG_LEVEL: 'loud',
    });
    expect(message).toMatch(/^Invalid configuration \(environment variables; see docs\/configuration\.md\):\n/);
    expect(message).toContain('DATABASE_URL: expected a postgres:// URL');
    expect(message).toContain('DB_POOL_SIZE: expected an integer from 1 to 1000');
    expect(message).toContain('KAFKA_BROKERS: expected a comma-separated list of host:port');
    expect(message).toContain('KAFKA_IDEMPOTENT: expected true or false');
    expect(message).toMatch(/LOG_LEVEL: .*expected one of/);
    for (const value of ['s3cr3t-pw', 'secret-broker', 'perhaps', 'loud']) expect(message).not.toContain(value);
  });
});

describe('mail variables', () => {
  const schema = z.object({ ...databaseVariables({ poolSize: 5 }), ...mailVariables });

  it('default to .eml files under DATA_DIR and links to the API on its port, from webmaster@localhost', () => {
    expect(mailSettings(parseEnvironment(schema, { DATA_DIR: '/srv/data' }), 8080)).toEqual({
      smtpUrl: null,
      mailDir: '/srv/data/mail',
      from: 'webmaster@localhost',
      passwordResetUrl: 'http://localhost:8080/password-reset/{uid}/{token}/',
      emailVerificationUrl: 'http://localhost:8080/verify-email/{key}/',
      maxAttempts: 8,
      retryInitialMs: 30_000,
      pollIntervalMs: 1_000,
    });
    expect(mailSettings(parseEnvironment(schema, {}), undefined).passwordResetUrl).toBe(
      'http://localhost:8000/password-reset/{uid}/{token}/',
    );
  });

  it('takes what is set', () => {
    const env = {
      SMTP_URL: 'smtps://u:p@mail.example.com:465',
      MAIL_DIR: '/tmp/outbox',
      MAIL_FROM: 'Accounts <no-reply@example.com>',
      PASSWORD_RESET_URL: 'https://app.example.com/reset?uid={uid}&token={token}',
      EMAIL_VERIFICATION_URL: 'https://app.example.com/verify/{key}',
    };
    expect(mailSettings(parseEnvironment(schema, env), 8000)).toMatchObject({
      smtpUrl: env.SMTP_URL,
      mailDir: '/tmp/outbox',
      from: env.MAIL_FROM,
      passwordResetUrl: env.PASSWORD_RESET_URL,
      emailVerificationUrl: env.EMAIL_VERIFICATION_URL,
    });
  });

  it('refuses a wrong SMTP URL without echoing it, and link templates that miss a placeholder', () => {
    const message = problemsOf(schema, {
      SMTP_URL: 'http://user:hunter2@mail',
      PASSWORD_RESET_URL: 'https://app.example.com/reset/{token}',
      EMAIL_VERIFICATION_URL: 'app.example.com/{key}',
    });
    expect(message).toContain('SMTP_URL: expected an smtp:// or smtps:// URL');
    expect(message).toContain('PASSWORD_RESET_URL: expected an http:// or https:// URL with {uid} and {token}');
    expect(message).toContain('EMAIL_VERIFICATION_URL: expected an http:// or https:// URL with {key}');
    expect(message).not.toContain('hunter2');
  });
});
