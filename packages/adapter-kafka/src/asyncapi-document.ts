import { AUTH_EVENT_TYPES, AUTH_EVENT_VERSION, authEventSchema, type AuthEventType } from '@authsvc/contracts';
import { z } from 'zod';
import { DLQ_HEADERS, type DeadLetterReason } from './event-consumer.js';
import { EVENT_HEADERS } from './kafka-event-publisher.js';
import { DEFAULT_DLQ_TOPIC, DEFAULT_EVENTS_TOPIC } from './kafka-settings.js';

/** A JSON value in the document. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON object in the document. */
type JsonObject = { [key: string]: Json };

/** The AsyncAPI 3.0 document of the events this service publishes to Kafka. */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: JsonObject;
  readonly channels: Record<string, JsonObject>;
  readonly operations: Record<string, JsonObject>;
  readonly components: { readonly messages: Record<string, JsonObject> };
  readonly [key: string]: Json;
}

/** What the document cannot know by itself: where the events go, and the version of the service describing them. */
export interface AsyncApiDocumentOptions {
  /** `KAFKA_TOPIC`; defaults to `auth.events`. */
  readonly topic?: string;
  /** `KAFKA_DLQ_TOPIC`; defaults to `auth.events.dlq`. */
  readonly dlqTopic?: string;
  /** The service's version, as the OpenAPI document gives it. */
  readonly version: string;
}

// The Kafka bindings' latest version, which @asyncapi/parser validates against.
const KAFKA_BINDING = { bindingVersion: '0.5.0' } as const;

/** When each event is published, and what its `userId` is; a new event type fails to compile until it has one. */
const eventSummaries: Record<AuthEventType, string> = {
  'user.registered': 'An account was created; `userId` is the new account.',
  'user.logged_in': 'A login minted a token.',
  'user.login_failed': 'A login was refused; `userId` is null when no account has the email.',
  'user.logged_out': 'A logout or logout-all revoked tokens.',
  'token.expired': 'An expired token was presented, and deleted; `userId` is its owner.',
  'tokens.purged': 'The cleanup deleted expired tokens in bulk: one event per user per batch.',
  'user.password_reset_requested': 'A reset email was queued for the account. No token and no link: those live only in the mail queue.',
  'user.password_reset': 'A reset token set a new password; every token of the account was revoked.',
  'user.password_changed': "The user changed the password; every token but the caller's was revoked.",
  'user.email_verified': 'The user proved the address by the emailed key.',
  'token.revoked': 'Tokens the user revoked by hand: one by its id (`revoked`), or every other one (`logout_others`).',
};

/** Every `dlq-reason`, explained; typed so that a new reason fails to compile until listed. */
const deadLetterReasons: Record<DeadLetterReason, string> = {
  invalid_json: 'the value is not UTF-8 JSON, or the record has no value',
  invalid_event: 'the value is JSON but not a valid event of this contract',
  handler_failed: 'a consumer still failed on it after its retries',
};

/** What each header of a dead letter says; a header added to `DLQ_HEADERS` fails to compile until described here. */
const deadLetterHeaders: Record<keyof typeof DLQ_HEADERS, JsonObject> = {
  reason: { description: 'Why the record was dead-lettered.', type: 'string', enum: Object.keys(deadLetterReasons) },
  error: { description: 'The parse error, or the last handler error (its name and message, capped).', type: 'string' },
  topic: { description: 'The topic the record was consumed from.', type: 'string' },
  partition: { description: 'Its partition, in decimal.', type: 'string', pattern: '^[0-9]+$' },
  offset: { description: 'Its offset in that partition, in decimal.', type: 'string', pattern: '^[0-9]+$' },
  timestamp: { description: 'Its Kafka timestamp, in milliseconds since the epoch, in decimal.', type: 'string', pattern: '^[0-9]+$' },
  groupId: { description: 'The consumer group that gave up on it.', type: 'string' },
  attempts: { description: 'How many times the handler ran on it; 0 when it never parsed.', type: 'string', pattern: '^[0-9]+$' },
  failedAt: { description: 'When it was dead-lettered, ISO-8601.', type: 'string', format: 'date-time' },
};

/** JSON Schema (draft-07, the base of AsyncAPI's schema object) of a contract schema as it is on the wire. */
function wireSchemaOf(schema: z.ZodType): JsonObject {
  // The input side is the wire form: `occurredAt` is the ISO-8601 string, not the parsed Date, and
  // objects stay open, as a reader must tolerate fields a newer producer adds.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as JsonObject;
  return rest;
}

/** Header schemas keyed by the header names the adapter writes, from schemas keyed like the names' constant. */
function byHeaderName<K extends string>(names: Readonly<Record<K, string>>, schemas: Readonly<Record<K, JsonObject>>): JsonObject {
  return Object.fromEntries((Object.keys(names) as K[]).map((key) => [names[key], schemas[key]]));
}

const ref = (pointer: string): JsonObject => ({ $ref: pointer });

/** The envelope of one event type, taken from the union the producer encodes with, not rebuilt. */
function envelopeOf(type: AuthEventType): z.ZodType {
  const envelope = authEventSchema.options.find((option) => option.shape.type.value === type);
  if (!envelope) throw new Error(`authEventSchema has no envelope for ${type}`);
  return envelope;
}

/** The record key, as `eventKey` writes it: the user id in decimal, or the event's own id when it concerns no user. */
const recordKey: JsonObject = {
  ...wireSchemaOf(z.union([z.string().regex(/^[1-9][0-9]*$/), z.uuid()])),
  description:
    "The `userId` as a decimal string, so one user's events share a partition and keep their order; " +
    "the event's `id` when `userId` is null.",
};

/** The headers the producer sets on a record of one event type. */
function eventHeaders(type: AuthEventType): JsonObject {
  const properties: Record<keyof typeof EVENT_HEADERS, JsonObject> = {
    type: { description: 'The envelope `type`, to route without parsing the value.', type: 'string', const: type },
    id: { description: 'The envelope `id`: deduplicate on it.', type: 'string', format: 'uuid' },
    version: { description: 'The envelope `version`, in decimal.', type: 'string', const: String(AUTH_EVENT_VERSION) },
  };
  return {
    type: 'object',
    properties: byHeaderName(EVENT_HEADERS, properties),
    required: Object.values(EVENT_HEADERS),
  };
}

function eventMessage(type: AuthEventType): JsonObject {
  return {
    name: type,
    title: type,
    summary: eventSummaries[type],
    contentType: 'application/json',
    headers: eventHeaders(type),
    payload: wireSchemaOf(envelopeOf(type)),
    bindings: { kafka: { key: recordKey, ...KAFKA_BINDING } },
  };
}

const DEAD_LETTER = 'dead-letter';

const deadLetterMessage: JsonObject = {
  name: DEAD_LETTER,
  title: 'Dead letter',
  summary: 'A record a consumer could not handle, copied with its key, value and headers byte for byte, and the dlq-* headers.',
  description:
    'Reasons (`dlq-reason`): ' +
    Object.entries(deadLetterReasons)
      .map(([reason, meaning]) => `\`${reason}\`: ${meaning}`)
      .join('; ') +
    '. The consumer goes on with the next record.',
  // The value is the original's bytes, which need not be JSON at all (that is one reason to be here).
  contentType: 'application/octet-stream',
  headers: {
    type: 'object',
    description: "The original record's headers (the event-* ones when the producer was this service), and these.",
    properties: byHeaderName(DLQ_HEADERS, deadLetterHeaders),
    required: Object.values(DLQ_HEADERS),
  },
  payload: { description: "The original record's value, byte for byte: usually an event of the events channel." },
  bindings: {
    kafka: { key: { type: 'string', description: "The original record's key, byte for byte, when it had one." }, ...KAFKA_BINDING },
  },
};

/**
 * Builds the AsyncAPI 3.0 document of the events topic and its dead-letter topic: one message per
 * event type, its payload the envelope's JSON Schema derived from the zod schemas the producer
 * encodes with, its headers and key those `toKafkaMessage` writes.
 */
export function buildAsyncApiDocument(options: AsyncApiDocumentOptions): AsyncApiDocument {
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const dlqTopic = options.dlqTopic ?? DEFAULT_DLQ_TOPIC;
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'authsvc events',
      version: options.version,
      description:
        'Every registration, login, logout, token and password change of the authentication service, published to Kafka ' +
        `from a transactional outbox. Envelope version ${AUTH_EVENT_VERSION}. Delivery is at least once: deduplicate on \`id\`. ` +
        'New fields may be added within a version, so ignore fields you do not know. No event carries a password, a token, ' +
        'a token digest or a reset link.',
    },
    defaultContentType: 'application/json',
    channels: {
      events: {
        address: topic,
        title: 'Auth events',
        description:
          "One JSON envelope per record, keyed by user so that one user's events are in order on one partition. " +
          "The number of partitions is the operator's choice when creating the topic.",
        messages: Object.fromEntries(AUTH_EVENT_TYPES.map((type) => [type, ref(`#/components/messages/${type}`)])),
        bindings: { kafka: { topic, ...KAFKA_BINDING } },
      },
      deadLetters: {
        address: dlqTopic,
        title: 'Dead letters',
        description: `Records of ${topic} that a consumer could not parse or handle.`,
        messages: { [DEAD_LETTER]: ref(`#/components/messages/${DEAD_LETTER}`) },
        bindings: { kafka: { topic: dlqTopic, ...KAFKA_BINDING } },
      },
    },
    operations: {
      publishEvents: {
        action: 'send',
        channel: ref('#/channels/events'),
        title: 'Publish events',
        summary: 'The outbox relay publishes each event once the transaction that recorded it commits, in order, with acks=all.',
        messages: AUTH_EVENT_TYPES.map((type) => ref(`#/channels/events/messages/${type}`)),
      },
      deadLetter: {
        action: 'send',
        channel: ref('#/channels/deadLetters'),
        title: 'Dead-letter a record',
        summary: 'A consumer of this service copies a record it cannot handle here and goes on with the next one.',
        messages: [ref(`#/channels/deadLetters/messages/${DEAD_LETTER}`)],
      },
    },
    components: {
      messages: {
        ...Object.fromEntries(AUTH_EVENT_TYPES.map((type) => [type, eventMessage(type)])),
        [DEAD_LETTER]: deadLetterMessage,
      },
    },
  };
}
