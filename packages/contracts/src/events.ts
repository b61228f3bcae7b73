import type { DomainEvent, EVENT_VERSION, EventPayloads, EventType } from '@authsvc/domain';
import { z } from 'zod';

/** Version of the event envelope and payloads on the wire; the domain's `EVENT_VERSION`, checked at compile time. */
export const AUTH_EVENT_VERSION = 1 satisfies typeof EVENT_VERSION;

/** Every event type on the wire, in the order the domain declares them. */
export const AUTH_EVENT_TYPES = [
  'user.registered',
  'user.logged_in',
  'user.login_failed',
  'user.logged_out',
  'token.expired',
  'tokens.purged',
  'user.password_reset_requested',
  'user.password_reset',
  'user.password_changed',
  'user.email_verified',
  'token.revoked',
] as const satisfies readonly EventType[];

/** One of the event types on the wire. */
export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

// Offsets are accepted because the envelope only promises ISO-8601; our own producer always writes `Z`.
const isoDateTime = z.iso.datetime({ offset: true });

// JSON has no dates: the time is an ISO-8601 string on the wire and in the outbox, a Date once parsed.
const occurredAt = z.codec(isoDateTime, z.date(), {
  decode: (iso) => new Date(iso),
  encode: (date) => date.toISOString(),
});

/** Who asked, as far as the transport knew: every field may be unknown. */
export const eventMetadataSchema = z.object({
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
});

// Plain (stripping) objects, not strict ones: a reader must tolerate fields added by a newer
// producer, and stripping is also what keeps a stray `password` or `token` off the wire.
/** The `data` schema of each event type, each checked against the domain's payload type. Never a password, a token or a token digest. */
export const eventPayloadSchemas = {
  'user.registered': z.object({ email: z.string(), firstName: z.string(), lastName: z.string() }),
  'user.logged_in': z.object({}),
  'user.login_failed': z.object({ email: z.string(), reason: z.enum(['bad_credentials', 'disabled', 'unverified']) }),
  'user.logged_out': z.object({ allTokens: z.boolean(), revoked: z.int().nonnegative() }),
  'token.expired': z.object({ expiredAt: isoDateTime }),
  'tokens.purged': z.object({ count: z.int().nonnegative() }),
  'user.password_reset_requested': z.object({ email: z.string() }),
  'user.password_reset': z.object({ revokedTokens: z.int().nonnegative() }),
  'user.password_changed': z.object({ revokedTokens: z.int().nonnegative() }),
  'user.email_verified': z.object({ email: z.string() }),
  'token.revoked': z.object({ reason: z.enum(['revoked', 'logout_others']), tokenIds: z.array(z.uuid()) }),
} as const satisfies { [T in EventType]: z.ZodType<EventPayloads[T]> };

function envelope<T extends AuthEventType>(type: T) {
  return z.object({
    id: z.uuid(),
    type: z.literal(type),
    version: z.literal(AUTH_EVENT_VERSION),
    occurredAt,
    userId: z.int().positive().nullable(),
    metadata: eventMetadataSchema,
    data: eventPayloadSchemas[type],
  });
}

/**
 * The one description of the versioned event envelope, discriminated on `type`: its input is the
 * JSON published to Kafka and stored in the outbox and audit log, its output the domain's event.
 */
export const authEventSchema = z.discriminatedUnion('type', [
  envelope('user.registered'),
  envelope('user.logged_in'),
  envelope('user.login_failed'),
  envelope('user.logged_out'),
  envelope('token.expired'),
  envelope('tokens.purged'),
  envelope('user.password_reset_requested'),
  envelope('user.password_reset'),
  envelope('user.password_changed'),
  envelope('user.email_verified'),
  envelope('token.revoked'),
]);

/** An event as parsed: the domain's `DomainEvent` (checked below), with `occurredAt` a `Date`. */
export type AuthEvent = z.output<typeof authEventSchema>;

/** An event as JSON: on the wire and in the outbox, with `occurredAt` an ISO-8601 string. */
export type AuthEventJson = z.input<typeof authEventSchema>;

/** The parsed event of one type, for handlers that narrow on `type`. */
export type AuthEventOf<T extends AuthEventType> = Extract<AuthEvent, { type: T }>;

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
// A change to the schemas or the domain that the other lacks fails the build instead of needing a cast.
/** Compile-time proof that the schemas and the domain describe the same events, both ways. */
export type EnvelopeMatchesDomain = [
  Holds<MutuallyAssignable<AuthEvent, DomainEvent>>,
  Holds<MutuallyAssignable<AuthEventType, EventType>>,
];

/** One schema violation, flattened so it can travel in a log line or a Kafka header. */
export interface EventIssue {
  readonly path: string;
  readonly message: string;
}

/** Why a value is not a valid event: not JSON (or not UTF-8) at all, or JSON that breaks the schema. */
export type InvalidEventCode = 'invalid_json' | 'invalid_event';

/** A value that is not a valid event of this contract. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly code: InvalidEventCode,
    message: string,
    readonly issues: readonly EventIssue[] = [],
  ) {
    super(message);
  }
}

/** The outcome of `parseEvent` and `parseDomainEvent`; shaped like the domain's `Result` so callers branch on `ok`. */
export type EventParseResult = { readonly ok: true; readonly value: AuthEvent } | { readonly ok: false; readonly error: InvalidEventError };

function invalid(error: z.ZodError): InvalidEventError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return new InvalidEventError('invalid_event', `invalid event: ${summary}`, issues);
}

/**
 * Reads an event back from its JSON value (a parsed Kafka record, an outbox or audit log row).
 * Never throws: the failure comes back as a value with the reason. Unknown fields are dropped,
 * so a newer producer's additions do not break this reader.
 */
export function parseDomainEvent(candidate: unknown): EventParseResult {
  const parsed = authEventSchema.safeParse(candidate);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: invalid(parsed.error) };
}

/** As `parseDomainEvent`, for stores whose rows only we write: an invalid one is a fault, thrown as `InvalidEventError`. */
export function toDomainEvent(candidate: unknown): AuthEvent {
  const result = parseDomainEvent(candidate);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Encodes an event as its JSON value. Only schema fields are written (anything else, such as a
 * stray secret, is dropped), and an event that breaks the schema throws `InvalidEventError`,
 * because producing one is a bug, not a runtime condition.
 */
export function encodeEvent(event: AuthEvent): AuthEventJson {
  const encoded = z.safeEncode(authEventSchema, event);
  if (!encoded.success) throw invalid(encoded.error);
  return encoded.data;
}

/** Encodes an event as the JSON text published to Kafka; see `encodeEvent`. */
export function serializeEvent(event: AuthEvent): string {
  return JSON.stringify(encodeEvent(event));
}

// fatal: bytes that are not UTF-8 are rejected rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a Kafka message value into the domain's event. Never throws: a malformed message is an
 * expected condition for a consumer (it goes to a dead-letter topic); see `parseDomainEvent`.
 */
export function parseEvent(json: string | Uint8Array): EventParseResult {
  let candidate: unknown;
  try {
    candidate = JSON.parse(typeof json === 'string' ? json : utf8.decode(json));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: new InvalidEventError('invalid_json', `invalid event: not UTF-8 JSON (${reason})`) };
  }
  return parseDomainEvent(candidate);
}
