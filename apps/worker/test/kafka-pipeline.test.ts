import { EVENT_HEADERS, DLQ_HEADERS, createKafkaClient } from '@authsvc/adapter-kafka';
import { testClientOptions } from '@authsvc/adapter-kafka/testing';
import { parseEvent, type AuthEvent } from '@authsvc/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../src/composition-root.js';
import { eventually, someone, startHarness, startTopicRecorder, type Harness, type TopicRecorder } from './support.js';

// One broker, one database, one API and one worker for the file: consumer groups take seconds to
// form on the mock, so the tests share them and each works with accounts of its own.
let h: Harness;
let worker: Worker;
let recorder: TopicRecorder;

beforeAll(async () => {
  h = await startHarness();
  // The scheduled sweep is left to the other file: here only events may set the cleanup off.
  [worker, recorder] = await Promise.all([
    h.startWorker({ TOKEN_CLEANUP_INTERVAL_MS: '3600000', METRICS_PORT: '0' }),
    startTopicRecorder(h.kafka.brokers, [h.topic, h.dlqTopic]),
  ]);
});
afterAll(async () => {
  await recorder?.stop();
  await h?.stop();
});

interface AuditRow {
  event_id: string;
  type: string;
  user_id: number | null;
}

const auditRows = async (): Promise<AuditRow[]> =>
  h.database.db.selectFrom('audit_log').select(['event_id', 'type', 'user_id']).orderBy('seq').execute();
const outboxSize = async (): Promise<number> =>
  Number((await sql<{ n: string }>`select count(*) as n from outbox`.execute(h.database.db)).rows[0]!.n);
const wire = (recordValue: Buffer | null): AuthEvent => {
  const parsed = parseEvent(recordValue!);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
};
/** The valid events on the topic, in arrival order (the poison test adds one that is not). */
const onKafka = (): AuthEvent[] =>
  recorder
    .of(h.topic)
    .filter((record) => parseEvent(record.value!).ok)
    .map((record) => wire(record.value));

async function register(name: string): Promise<{ id: number; email: string }> {
  const account = someone(name);
  const response = await h.request('POST', '/api/users/registration/', account);
  expect(response.status).toBe(201);
  return response.body as { id: number; email: string };
}

async function login(email: string, password = 'Password123'): Promise<string> {
  const response = await h.request('POST', '/api/users/login/', { email, password });
  expect(response.status).toBe(200);
  return (response.body as { key: string }).key;
}

// Events the tests have caused so far, counted by hand: what the topic and the audit log must reach.
let expectedEvents = 0;

/** Counts `n` more events, then waits until all of them were relayed, recorded off Kafka and audited; returns the audit rows. */
async function settled(n: number): Promise<AuditRow[]> {
  expectedEvents += n;
  let rows: AuditRow[] = [];
  await eventually(async () => {
    rows = await auditRows();
    return rows.length >= expectedEvents && onKafka().length >= expectedEvents && (await outboxSize()) === 0;
  }, `${expectedEvents} events on Kafka and in the audit log`);
  // Give a duplicate time to show up before the caller asserts there is none.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return auditRows();
}

describe('worker with Kafka: relay, audit and token cleanup', () => {
  it('publishes one event per action, keyed by user, with the right payload and no secret, audited once', async () => {
    const john = await register('John');
    const key1 = await login(john.email);
    expect((await h.request('POST', '/api/users/login/', { email: 'JOHN@example.com', password: 'wrong-password' })).status).toBe(400);
    expect((await h.request('POST', '/api/users/login/', { email: 'ghost@example.com', password: 'Password123' })).status).toBe(400);
    const jane = await register('Jane');
    expect((await h.api.service.setUserActive(jane.email, false)).ok).toBe(true);
    expect((await h.request('POST', '/api/users/login/', { email: jane.email, password: 'Password123' })).status).toBe(400);
    expect((await h.request('POST', '/api/users/logout/', undefined, key1)).status).toBe(200);
    await login(john.email);
    const key3 = await login(john.email);
    expect((await h.request('POST', '/api/users/logout-all/', undefined, key3)).status).toBe(200);

    const rows = await settled(10);
    expect(rows).toHaveLength(10);
    const records = recorder.of(h.topic);
    expect(records).toHaveLength(10);
    const events = records.map((record) => wire(record.value));
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(rows.map((r) => r.event_id)));

    for (const [i, record] of records.entries()) {
      const event = events[i]!;
      expect(record.key?.toString()).toBe(event.userId === null ? event.id : String(event.userId));
      expect(record.headers?.[EVENT_HEADERS.type]?.toString()).toBe(event.type);
      expect(record.headers?.[EVENT_HEADERS.id]?.toString()).toBe(event.id);
      expect(event.metadata.ip).toBe('127.0.0.1');
      expect(event.metadata.requestId).toEqual(expect.any(String));
      expect(record.value!.toString()).not.toMatch(/Password123|wrong-password|password|"token|digest/i);
      expect(record.value!.toString()).not.toContain(key1);
    }
    const ofJohn = events.filter((e) => e.userId === john.id);
    // One key, one partition: Kafka holds John's events in the order they happened.
    expect(new Set(records.filter((r) => r.key?.toString() === String(john.id)).map((r) => r.partition)).size).toBe(1);
    expect(ofJohn.map((e) => [e.type, e.data])).toEqual([
      ['user.registered', { email: 'john@example.com', firstName: 'John', lastName: 'Test' }],
      ['user.logged_in', {}],
      ['user.login_failed', { email: 'JOHN@example.com', reason: 'bad_credentials' }],
      ['user.logged_out', { allTokens: false, revoked: 1 }],
      ['user.logged_in', {}],
      ['user.logged_in', {}],
      ['user.logged_out', { allTokens: true, revoked: 2 }],
    ]);
    expect(events.filter((e) => e.userId === null).map((e) => [e.type, e.data])).toEqual([
      ['user.login_failed', { email: 'ghost@example.com', reason: 'bad_credentials' }],
    ]);
    expect(events.filter((e) => e.userId === jane.id).map((e) => [e.type, e.data])).toEqual([
      ['user.registered', { email: 'jane@example.com', firstName: 'Jane', lastName: 'Test' }],
      ['user.login_failed', { email: 'jane@example.com', reason: 'disabled' }],
    ]);
    expect(rows.filter((r) => r.user_id === john.id).map((r) => r.type)).toEqual(ofJohn.map((e) => e.type));
  });

  it("keeps each user's events in order while many users act at once", async () => {
    const users = await Promise.all(['Ann', 'Bob', 'Cid', 'Dee', 'Eve', 'Fay'].map(register));
    await Promise.all(
      users.map(async (user) => {
        for (let cycle = 0; cycle < 4; cycle++) {
          const key = await login(user.email);
          expect((await h.request('POST', '/api/users/logout/', undefined, key)).status).toBe(200);
        }
      }),
    );
    const rows = await settled(6 * 9);
    expect(rows).toHaveLength(expectedEvents);
    const expected = ['user.registered', ...Array.from({ length: 4 }, () => ['user.logged_in', 'user.logged_out']).flat()];
    const published = onKafka();
    for (const user of users) {
      expect(rows.filter((r) => r.user_id === user.id).map((r) => r.type)).toEqual(expected);
      expect(published.filter((e) => e.userId === user.id).map((e) => e.type)).toEqual(expected);
    }
  });

  it.skipIf(!!process.env['KAFKA_BROKERS'])(
    'lets every request succeed while Kafka is down, and delivers every event once it is back',
    async () => {
      const users = await Promise.all(['Gus', 'Hal', 'Ivy'].map(register));
      const before = (await settled(3)).length;
      h.kafka.pause();
      try {
        const started = Date.now();
        await Promise.all(
          users.map(async (user) => {
            const key = await login(user.email);
            expect((await h.request('POST', '/api/users/logout/', undefined, key)).status).toBe(200);
          }),
        );
        expect(Date.now() - started).toBeLessThan(5_000);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        // Nothing got through: the events wait in the outbox (or in the relay's unacknowledged batch).
        expect(await outboxSize()).toBe(6);
        expect((await auditRows()).length).toBe(before);
      } finally {
        h.kafka.resume();
      }
      const rows = await settled(6);
      expect(rows.length).toBe(before + 6);
      for (const user of users) {
        expect(rows.filter((r) => r.user_id === user.id).map((r) => r.type)).toEqual(['user.registered', 'user.logged_in', 'user.logged_out']);
      }
    },
  );

  it('dead-letters a poison message with its error and goes on', async () => {
    const producer = createKafkaClient({ ...testClientOptions, brokers: h.kafka.brokers }).producer({
      idempotent: h.kafka.idempotent,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    await producer.send({ topic: h.topic, acks: -1, messages: [{ key: 'poison', value: '{"id": "truncated' }] });
    await producer.disconnect();
    const after = await register('Kim');

    // Both consumer groups meet it, and each dead-letters it once.
    await eventually(() => recorder.of(h.dlqTopic).length >= 2, 'the poison message in the dead-letter topic');
    const letters = recorder.of(h.dlqTopic);
    expect(letters).toHaveLength(2);
    for (const letter of letters) {
      expect(letter.value?.toString()).toBe('{"id": "truncated');
      expect(letter.key?.toString()).toBe('poison');
      expect(letter.headers?.[DLQ_HEADERS.reason]?.toString()).toBe('invalid_json');
      expect(letter.headers?.[DLQ_HEADERS.error]?.toString()).toMatch(/not UTF-8 JSON/);
      expect(letter.headers?.[DLQ_HEADERS.topic]?.toString()).toBe(h.topic);
    }
    expect(new Set(letters.map((l) => l.headers?.[DLQ_HEADERS.groupId]?.toString())).size).toBe(2);
    const rows = await settled(1);
    expect(rows.filter((r) => r.user_id === after.id).map((r) => r.type)).toEqual(['user.registered']);
  });

  it('purges expired tokens when an expired one is presented, and records what it purged', async () => {
    const [lea, max, ned] = await Promise.all(['Lea', 'Max', 'Ned'].map(register));
    const stale = await login(lea!.email);
    await login(lea!.email);
    await login(max!.email);
    await login(ned!.email);
    await settled(3 + 4);
    h.clock.advance(86_401);
    const presented = await h.request('GET', '/api/users/me/', undefined, stale);
    expect(presented).toEqual({ status: 401, body: { detail: 'Token has expired.' } });

    await eventually(async () => (await h.database.db.selectFrom('tokens').select('digest').execute()).length === 0, 'the expired tokens to be purged');
    await eventually(async () => (await auditRows()).filter((r) => r.type === 'tokens.purged').length === 3, 'three tokens.purged events audited');
    // token.expired, then one tokens.purged per user.
    await settled(1 + 3);
    const purged = onKafka().filter((e) => e.type === 'tokens.purged');
    expect(purged.map((e) => [e.userId, e.data]).sort()).toEqual(
      [
        [lea!.id, { count: 1 }],
        [max!.id, { count: 1 }],
        [ned!.id, { count: 1 }],
      ].sort(),
    );
    const expired = (await auditRows()).filter((r) => r.type === 'token.expired');
    expect(expired).toEqual([expect.objectContaining({ user_id: lea!.id })]);
    expect(worker.cleanup).not.toBeNull();
  });

  it('serves the relay and consumer lag at /metrics', async () => {
    expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const text = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    const value = (pattern: string) => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('authsvc_relay_published_total\\{type="user.registered"\\}')).toBeGreaterThanOrEqual(2);
    expect(value('authsvc_relay_lag_seconds')).toBeGreaterThanOrEqual(0);
    // Every record was handled by now, so neither group has any left in its partitions.
    const lags = [...text.matchAll(/^authsvc_consumer_lag_messages\{group="([^"]+)",.*\} (\S+)$/gm)];
    expect(new Set(lags.map((match) => match[1])).size).toBe(2);
    expect(lags.map((match) => Number(match[2]))).toEqual(lags.map(() => 0));
    expect(text).toMatch(/^authsvc_consumer_lag_seconds\{group="[^"]+"\} \d/m);
    expect(await (await fetch(`${worker.metricsUrl}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});
