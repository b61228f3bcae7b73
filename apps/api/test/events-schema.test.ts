import { randomUUID } from 'node:crypto';
import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface, type MessageInterface } from '@asyncapi/parser';
import { DLQ_HEADERS, toKafkaMessage } from '@authsvc/adapter-kafka';
import { AUTH_EVENT_TYPES, type AuthEventType } from '@authsvc/contracts';
import { makeEvent, type EventOf, type EventPayloads } from '@authsvc/domain';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support.js';

// Not the defaults, so a document that ignored the configuration would show it.
const TOPIC = 'tenant-a.auth.events';
const DLQ_TOPIC = 'tenant-a.auth.events.dlq';

const ids = { uuid: randomUUID };
const clock = { now: () => new Date() };
const metadata = { ip: '203.0.113.7', userAgent: 'curl/8.5', requestId: null };

/** Makes events of one type with `data`, through the domain's own factory, about any user. */
const eventOf =
  <T extends AuthEventType>(type: T, data: EventPayloads[T]) =>
  (userId: number | null): EventOf<T> =>
    makeEvent({ clock, ids }, type, userId, metadata, data);

/** An event of each type; typed so that a new event type fails to compile until it has one here. */
const sampleEvents: { [T in AuthEventType]: (userId: number | null) => EventOf<T> } = {
  'user.registered': eventOf('user.registered', { email: 'john.doe@example.com', firstName: 'John', lastName: 'Doe' }),
  'user.logged_in': eventOf('user.logged_in', {}),
  'user.login_failed': eventOf('user.login_failed', { email: 'John.Doe@example.com', reason: 'bad_credentials' }),
  'user.logged_out': eventOf('user.logged_out', { allTokens: true, revoked: 3 }),
  'token.expired': eventOf('token.expired', { expiredAt: '2026-01-01T12:00:00.000Z' }),
  'tokens.purged': eventOf('tokens.purged', { count: 20 }),
  'user.password_reset_requested': eventOf('user.password_reset_requested', { email: 'john.doe@example.com' }),
  'user.password_reset': eventOf('user.password_reset', { revokedTokens: 2 }),
  'user.password_changed': eventOf('user.password_changed', { revokedTokens: 1 }),
  'user.email_verified': eventOf('user.email_verified', { email: 'john.doe@example.com' }),
  'token.revoked': eventOf('token.revoked', { reason: 'logout_others', tokenIds: [randomUUID(), randomUUID()] }),
};

/** The Kafka record the producer writes for an event of `type`, about a user or (the key's other form) about none. */
function recordOf(type: AuthEventType, userId: number | null) {
  return toKafkaMessage(sampleEvents[type](userId));
}

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its default import is `module.exports`, whose `default` is the plugin.
ajvFormats.default(ajv);

/** What `schema` finds wrong with `value`: an empty list when it accepts it. */
function violations(schema: unknown, value: unknown): string[] {
  const validate = ajv.compile(schema as object);
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

function jsonOf(schema: { json(): unknown } | undefined, what: string): object {
  expect(schema, what).toBeDefined();
  return schema!.json() as object;
}

function kafkaKeySchema(message: MessageInterface): object {
  const binding = message.bindings().get('kafka')?.value<{ key?: object }>();
  expect(binding?.key, `${message.id()} has a Kafka key schema`).toBeDefined();
  return binding!.key!;
}

let api: TestApi;
let served: { status: number; headers: Headers; text: string };
let document: AsyncAPIDocumentInterface;
beforeAll(async () => {
  api = await startTestApi({ KAFKA_TOPIC: TOPIC, KAFKA_DLQ_TOPIC: DLQ_TOPIC });
  served = await api.request('GET', '/api/events/schema/');
  expect(served.status).toBe(200);
  // Parsed from the text the server sent, so the test reads what a subscriber would download.
  const { document: parsed, diagnostics } = await new Parser().parse(served.text);
  // Warnings fail too: the document is generated, so a warning is a flaw in the generator that a
  // subscriber's tooling may trip on. (Numbers: the diagnostics' enum is another copy of the same.)
  const failing: readonly number[] = [DiagnosticSeverity.Error, DiagnosticSeverity.Warning];
  const problems = diagnostics.filter((d) => failing.includes(d.severity)).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
  expect(problems).toEqual([]);
  expect(parsed).toBeDefined();
  document = parsed!;
});
afterAll(async () => {
  await api?.stop();
});

describe('GET /api/events/schema/', () => {
  it('serves an AsyncAPI 3.0 document as JSON, with the strict CSP of a JSON answer', () => {
    expect(served.headers.get('content-type')).toMatch(/^application\/vnd\.aai\.asyncapi\+json; version=3\.0\.0/);
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(document.version()).toBe('3.0.0');
  });

  it('answers other methods as the OpenAPI document does', async () => {
    const openApi = await api.request('POST', '/api/schema/');
    const asyncApi = await api.request('POST', '/api/events/schema/');
    expect(asyncApi.status).toBe(openApi.status);
    expect(asyncApi.body).toEqual(openApi.body);
  });

  it('names the configured topics in the channels and their Kafka bindings', () => {
    const events = document.channels().get('events');
    const deadLetters = document.channels().get('deadLetters');
    expect(events?.address()).toBe(TOPIC);
    expect(events?.bindings().get('kafka')?.value()).toMatchObject({ topic: TOPIC });
    expect(deadLetters?.address()).toBe(DLQ_TOPIC);
    expect(deadLetters?.bindings().get('kafka')?.value()).toMatchObject({ topic: DLQ_TOPIC });
    expect(document.operations().get('publishEvents')?.action()).toBe('send');
    expect(document.operations().get('deadLetter')?.action()).toBe('send');
  });

  it('has a message for every event type the domain emits, and no other', () => {
    const channel = document.channels().get('events')!;
    expect(
      channel
        .messages()
        .all()
        .map((message) => message.id())
        .sort(),
    ).toEqual([...AUTH_EVENT_TYPES].sort());
    const published = document.operations().get('publishEvents')!;
    expect(published.messages().all().length).toBe(AUTH_EVENT_TYPES.length);
  });

  it("accepts, for each type, the record the producer writes: key, headers and value, and refuses another type's", () => {
    const messages = document.channels().get('events')!.messages();
    for (const type of AUTH_EVENT_TYPES) {
      const message = messages.get(type);
      expect(message, type).toBeDefined();
      const payload = jsonOf(message!.payload(), `${type} payload`);
      const headers = jsonOf(message!.headers(), `${type} headers`);
      const key = kafkaKeySchema(message!);
      for (const userId of [42, null]) {
        const record = recordOf(type, userId);
        const value = JSON.parse(String(record.value)) as Record<string, unknown>;
        expect(violations(payload, value), `${type} value`).toEqual([]);
        expect(violations(headers, record.headers), `${type} headers`).toEqual([]);
        expect(violations(key, record.key), `${type} key of userId ${userId}`).toEqual([]);
      }
      // Each message is its own type's envelope, not the union of all of them.
      const other = AUTH_EVENT_TYPES.find((candidate) => candidate !== type)!;
      const otherRecord = recordOf(other, 42);
      expect(violations(payload, JSON.parse(String(otherRecord.value))), `${type} payload given a ${other}`).not.toEqual([]);
      expect(violations(headers, otherRecord.headers), `${type} headers given a ${other}`).not.toEqual([]);
    }
  });

  it('describes the dead-letter topic with every header the consumer adds', () => {
    const message = document.channels().get('deadLetters')!.messages().all()[0];
    expect(message).toBeDefined();
    const headers = jsonOf(message!.headers(), 'dead-letter headers') as { required?: string[] };
    expect([...(headers.required ?? [])].sort()).toEqual(Object.values(DLQ_HEADERS).sort());
    // A dead letter as the consumer writes one: the original's headers, then its own.
    const original = recordOf('user.logged_in', 42);
    const deadLetter = {
      ...original.headers,
      [DLQ_HEADERS.reason]: 'handler_failed',
      [DLQ_HEADERS.error]: 'Error: audit log unreachable',
      [DLQ_HEADERS.topic]: TOPIC,
      [DLQ_HEADERS.partition]: '2',
      [DLQ_HEADERS.offset]: '1041',
      [DLQ_HEADERS.timestamp]: String(Date.now()),
      [DLQ_HEADERS.groupId]: 'authsvc-audit',
      [DLQ_HEADERS.attempts]: '5',
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
    };
    expect(violations(headers, deadLetter)).toEqual([]);
    expect(violations(headers, { ...deadLetter, [DLQ_HEADERS.reason]: 'bored' })).not.toEqual([]);
    expect(kafkaKeySchema(message!)).toMatchObject({ type: 'string' });
  });
});
