import { EVENT_HEADERS, DLQ_HEADERS, createKafkaClient, eventKey } from '@authsvc/adapter-kafka';
import { testClientOptions } from '@authsvc/adapter-kafka/testing';
import { parseEvent, type AuthEvent } from '@authsvc/contracts';
import { normalizeEmail } from '@authsvc/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMailDir } from '@authsvc/adapter-mail/testing';
import type { Worker } from '../src/composition-root.js';
import {
  eventually,
  sendSentinels,
  someone,
  startHarness,
  startTopicRecorder,
  type Harness,
  type RecordedMessage,
  type TopicRecorder,
} from './support.js';

// One broker, one database, one API and one worker for the file: consumer groups take seconds to
// form on the mock, so the tests share them. Each works with accounts of its own and counts only
// their events, so any test passes alone or in any order.
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
  email: string | null;
}

/** The accounts a test acts for: their ids, and emails for the failed logins that have no account. */
interface Scope {
  readonly users: readonly number[];
  readonly emails?: readonly string[];
}

const inScope = (scope: Scope, userId: number | null, email: string | null): boolean =>
  userId !== null
    ? scope.users.includes(userId)
    : email !== null && (scope.emails ?? []).map(normalizeEmail).includes(normalizeEmail(email));

/** The audit rows of the scope's accounts, in arrival order. */
const auditRows = async (scope: Scope): Promise<AuditRow[]> =>
  (await h.database.db.selectFrom('audit_log').select(['event_id', 'type', 'user_id', 'email']).orderBy('seq').execute()).filter((row) =>
    inScope(scope, row.user_id, row.email),
  );
const auditedIds = async (): Promise<string[]> =>
  (await h.database.db.selectFrom('audit_log').select('event_id').execute()).map((row) => row.event_id);
/** Outbox rows no relay has locked: fewer than all while a relay holds a batch it cannot publish. */
const unlockedOutboxSize = async (): Promise<number> =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from (select 1 from outbox for update skip locked) as free`.execute(h.database.db))
      .rows[0]!.n,
  );
const outboxSize = async (): Promise<number> =>
  Number((await sql<{ n: string }>`select count(*) as n from outbox`.execute(h.database.db)).rows[0]!.n);
const wire = (recordValue: Buffer | null): AuthEvent => {
  const parsed = parseEvent(recordValue!);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
};
/** The records of the scope's events on the topic, in arrival order (the poison test adds one that parses as no event). */
const recordsOf = (scope: Scope): RecordedMessage[] =>
  recorder.of(h.topic).filter((record) => {
    const parsed = parseEvent(record.value!);
    return parsed.ok && inScope(scope, parsed.value.userId, 'email' in parsed.value.data ? parsed.value.data.email : null);
  });
/** The scope's events on the topic, in arrival order. */
const onKafka = (scope: Scope): AuthEvent[] => recordsOf(scope).map((record) => wire(record.value));

/**
 * Waits until `count` events of the scope were relayed, recorded off Kafka and audited, then
 * sends sentinels behind them and waits for those, so a duplicate would be counted too; returns
 * the scope's audit rows.
 */
async function settled(scope: Scope, count: number): Promise<AuditRow[]> {
  await eventually(
    async () => (await outboxSize()) === 0 && onKafka(scope).length >= count && (await auditRows(scope)).length >= count,
    `${count} events on Kafka and in the audit log`,
  );
  await sendSentinels({ kafka: h.kafka, topic: h.topic, recorder, auditedIds }, onKafka(scope).map(eventKey));
  return auditRows(scope);
}

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

    const scope = { users: [john.id, jane.id], emails: ['ghost@example.com'] };
    const rows = await settled(scope, 10);
    expect(rows).toHaveLength(10);
    const records = recordsOf(scope);
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
    const scope = { users: users.map((user) => user.id) };
    const rows = await settled(scope, 6 * 9);
    expect(rows).toHaveLength(6 * 9);
    const expected = ['user.registered', ...Array.from({ length: 4 }, () => ['user.logged_in', 'user.logged_out']).flat()];
    const published = onKafka(scope);
    for (const user of users) {
      expect(rows.filter((r) => r.user_id === user.id).map((r) => r.type)).toEqual(expected);
      expect(published.filter((e) => e.userId === user.id).map((e) => e.type)).toEqual(expected);
    }
  });

  it.skipIf(!!process.env['KAFKA_BROKERS'])(
    'lets every request succeed while Kafka is down, and delivers every event once it is back',
    async () => {
      const users = await Promise.all(['Gus', 'Hal', 'Ivy'].map(register));
      const scope = { users: users.map((user) => user.id) };
      expect(await settled(scope, 3)).toHaveLength(3);
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
        // The relay has taken a batch (its rows are locked) and cannot get it through: nothing is lost
        // or audited, the events wait in the outbox.
        await eventually(async () => (await unlockedOutboxSize()) < 6, 'the relay to take a batch while Kafka is down');
        expect(await outboxSize()).toBe(6);
        expect(await auditRows(scope)).toHaveLength(3);
      } finally {
        h.kafka.resume();
      }
      const rows = await settled(scope, 3 + 6);
      expect(rows).toHaveLength(3 + 6);
      for (const user of users) {
        expect(rows.filter((r) => r.user_id === user.id).map((r) => r.type)).toEqual([
          'user.registered',
          'user.logged_in',
          'user.logged_out',
        ]);
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
    const rows = await settled({ users: [after.id] }, 1);
    expect(rows.map((r) => r.type)).toEqual(['user.registered']);
  });

  it('purges expired tokens when an expired one is presented, and records what it purged', async () => {
    const [lea, max, ned] = await Promise.all(['Lea', 'Max', 'Ned'].map(register));
    const stale = await login(lea!.email);
    await login(lea!.email);
    await login(max!.email);
    await login(ned!.email);
    const scope = { users: [lea!.id, max!.id, ned!.id] };
    await settled(scope, 3 + 4);
    h.clock.advance(86_401);
    const presented = await h.request('GET', '/api/users/me/', undefined, stale);
    expect(presented).toEqual({ status: 401, body: { detail: 'Token has expired.' } });

    await eventually(
      async () => (await h.database.db.selectFrom('tokens').select('digest').execute()).length === 0,
      'the expired tokens to be purged',
    );
    // token.expired, then one tokens.purged per user.
    const rows = await settled(scope, 3 + 4 + 1 + 3);
    expect(rows).toHaveLength(3 + 4 + 1 + 3);
    const purged = onKafka(scope).filter((e) => e.type === 'tokens.purged');
    expect(purged.map((e) => [e.userId, e.data]).sort()).toEqual(
      [
        [lea!.id, { count: 1 }],
        [max!.id, { count: 1 }],
        [ned!.id, { count: 1 }],
      ].sort(),
    );
    const expired = rows.filter((r) => r.type === 'token.expired');
    expect(expired).toEqual([expect.objectContaining({ user_id: lea!.id })]);
    expect(worker.cleanup).not.toBeNull();
  });

  it('publishes the account-lifecycle events, with no password, token, reset token or verification key in any record', async () => {
    // The harness's mail folder outlives the run: a name of this run's own finds only its emails.
    const life = await register(`Life${Date.now()}`);
    // The worker's mailer writes the emails where the harness points MAIL_DIR: the links come from there.
    const linkIn = async (path: string): Promise<string[]> => {
      let parts: string[] = [];
      await eventually(async () => {
        const mail = (await readMailDir(join(tmpdir(), 'authsvc-test-mail'))).filter((m) => m.to === life.email && m.text.includes(path));
        const match = mail.map((m) => new RegExp(`${path}(\\S+?)/\\s`).exec(`${m.text} `)).find((found) => found !== null);
        parts = match ? match[1]!.split('/').map(decodeURIComponent) : [];
        return parts.length > 0;
      }, `an email to ${life.email} with ${path}`);
      return parts;
    };
    const [key] = await linkIn('/verify-email/');
    expect((await h.request('POST', '/api/users/registration/verify-email/', { key })).status).toBe(200);
    const [caller, other, third] = [await login(life.email), await login(life.email), await login(life.email)];
    const change = { old_password: 'Password123', new_password1: 'Better456x', new_password2: 'Better456x' };
    expect((await h.request('POST', '/api/users/password/change/', change, caller)).status).toBe(200);
    const fourth = await login(life.email, 'Better456x');
    const tokens = (await h.request('GET', '/api/users/tokens/', undefined, caller)).body as { id: string; current: boolean }[];
    const revokedId = tokens.find((token) => !token.current)!.id;
    expect((await h.request('DELETE', `/api/users/tokens/${revokedId}/`, undefined, caller)).status).toBe(204);
    await login(life.email, 'Better456x');
    expect((await h.request('POST', '/api/users/logout-others/', undefined, caller)).status).toBe(200);
    expect((await h.request('POST', '/api/users/password/reset/', { email: life.email })).status).toBe(200);
    const [uid, token] = await linkIn('/password-reset/');
    const confirm = { uid, token, new_password1: 'Third789y', new_password2: 'Third789y' };
    expect((await h.request('POST', '/api/users/password/reset/confirm/', confirm)).status).toBe(200);

    const scope = { users: [life.id] };
    const types = [
      'user.registered',
      'user.email_verified',
      'user.logged_in',
      'user.logged_in',
      'user.logged_in',
      'user.password_changed',
      'user.logged_in',
      'token.revoked',
      'user.logged_in',
      'token.revoked',
      'user.password_reset_requested',
      'user.password_reset',
    ];
    const rows = await settled(scope, types.length);
    expect(rows.map((row) => row.type)).toEqual(types);
    const events = onKafka(scope);
    expect(events.map((event) => event.type)).toEqual(types);
    expect(events.find((event) => event.type === 'token.revoked')?.data).toEqual({ reason: 'revoked', tokenIds: [revokedId] });
    expect(events.find((event) => event.type === 'user.password_reset')?.data).toEqual({ revokedTokens: 1 });
    for (const record of recordsOf(scope)) {
      const value = record.value!.toString();
      for (const secret of [key, token, caller, other, third, fourth, 'Password123', 'Better456x', 'Third789y'])
        expect(value).not.toContain(secret);
      // Keys, reset tokens, verification keys (40 hex) and their digests (64 hex) all look alike: none may appear.
      expect(value).not.toMatch(/[0-9a-f]{40}/);
    }
  });

  it('serves the relay and consumer lag at /metrics', async () => {
    const oz = await register('Oz');
    await settled({ users: [oz.id] }, 1);
    expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const scrape = async () => (await fetch(`${worker.metricsUrl}/metrics`)).text();
    const lagsIn = (scraped: string) => [...scraped.matchAll(/^authsvc_consumer_lag_messages\{group="([^"]+)",.*\} (\S+)$/gm)];
    // The cleanup group is not waited for by `settled`: wait until both groups report, with nothing left behind.
    let text = '';
    await eventually(async () => {
      text = await scrape();
      const lags = lagsIn(text);
      return new Set(lags.map((match) => match[1])).size === 2 && lags.every((match) => Number(match[2]) === 0);
    }, 'both consumer groups to report no records left');
    const value = (pattern: string) => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('authsvc_relay_published_total\\{type="user.registered"\\}')).toBeGreaterThanOrEqual(1);
    expect(value('authsvc_relay_lag_seconds')).toBeGreaterThanOrEqual(0);
    const lags = lagsIn(text);
    expect(new Set(lags.map((match) => match[1])).size).toBe(2);
    expect(lags.map((match) => Number(match[2]))).toEqual(lags.map(() => 0));
    expect(text).toMatch(/^authsvc_consumer_lag_seconds\{group="[^"]+"\} \d/m);
    expect(await (await fetch(`${worker.metricsUrl}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});
