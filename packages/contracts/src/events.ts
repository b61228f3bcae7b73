import { z } from 'zod';

/** Version of the event envelope and payloads on the wire; mirrors the domain's `EVENT_VERSION`. */
export const AUTH_EVENT_VERSION = 1;

/** Every event type on the wire, in the order the domain declares them. */
export const AUTH_EVENT_TYPES = [
  'user.registered',
  'user.logged_in',
  'user.login_failed',
  'user.logged_out',
  'token.expired',
  'tokens.purged',
] as const;

/** One of the event types on the wire. */
export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

// Offsets are accepted because the envelope only promises ISO-8601; our own producer always writes `Z`.
const isoDateTime = z.iso.datetime({ offset: true });

/** Who asked, as far as the transport knew: every field may be unknown. */
export const eventMetadataSchema = z.object({
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
});

// Plain (stripping) objects, not strict ones: a reader must tolerate fields added by a newer
// producer, and stripping is also what keeps a stray `password` or `token` off the wire.
/** The `data` schema of each event type. Never a password, a token or a token digest. */
export const eventPayloadSchemas = {
  'user.registered': z.object({ email: z.string(), firstName: z.string(), lastName: z.string() }),
  'user.logged_in': z.object({}),
  'user.login_failed': z.object({ email: z.string(), reason: z.enum(['bad_credentials', 'disabled']) }),
  'user.logged_out': z.object({ allTokens: z.boolean(), revoked: z.int().nonnegative() }),
  'token.expired': z.object({ expiredAt: isoDateTime }),
  'tokens.purged': z.object({ count: z.int().nonnegative() }),
} as const satisfies Record<AuthEventType, z.ZodType>;

function envelope<T extends AuthEventType>(type: T) {
  return z.object({
    id: z.uuid(),
    type: z.literal(type),
    version: z.literal(AUTH_EVENT_VERSION),
    occurredAt: isoDateTime,
    userId: z.int().positive().nullable(),
    metadata: eventMetadataSchema,
    data: eventPayloadSchemas[type],
  });
}

/** The versioned event envelope as published to Kafka, discriminated on `type`. */
export const authEventSchema = z.discriminatedUnion('type', [
  envelope('user.registered'),
  envelope('user.logged_in'),
  envelope('user.login_failed'),
  envelope('user.logged_out'),
  envelope('token.expired'),
  envelope('tokens.purged'),
]);

/** An event as read from the wire. */
export type AuthEventMessage = z.infer<typeof authEventSchema>;

/** The wire event of one type, for handlers that narrow on `type`. */
export type AuthEventOf<T extends AuthEventType> = Extract<AuthEventMessage, { type: T }>;

/**
 * What `serializeEvent` accepts: the wire shape, with `occurredAt` also allowed as a `Date`.
 * The domain's `DomainEvent` fits it structurally, so contracts need no runtime import of the domain.
 */
export type SerializableEvent = {
  [T in AuthEventType]: Omit<AuthEventOf<T>, 'occurredAt'> & { readonly occurredAt: Date | string };
}[AuthEventType];

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

/** The outcome of `parseEvent`; shaped like the domain's `Result` so callers branch on `ok`. */
export type EventParseResult =
  | { readonly ok: true; readonly value: AuthEventMessage }
  | { readonly ok: false; readonly error: InvalidEventError };

function validate(candidate: unknown): EventParseResult {
  const parsed = authEventSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return { ok: false, error: new InvalidEventError('invalid_event', `invalid event: ${summary}`, issues) };
}

/**
 * Encodes an event as the JSON published to Kafka. Only schema fields are written (anything else,
 * such as a stray secret, is dropped), and an event that breaks the schema throws
 * `InvalidEventError`, because producing one is a bug, not a runtime condition.
 */
export function serializeEvent(event: SerializableEvent): string {
  const { occurredAt } = event;
  // An invalid Date would make toISOString throw a bare RangeError; let the schema report it instead.
  const wireOccurredAt =
    occurredAt instanceof Date ? (Number.isNaN(occurredAt.getTime()) ? 'Invalid Date' : occurredAt.toISOString()) : occurredAt;
  const result = validate({ ...event, occurredAt: wireOccurredAt });
  if (!result.ok) throw result.error;
  return JSON.stringify(result.value);
}

// fatal: bytes that are not UTF-8 are rejected rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a Kafka message value. Never throws: a malformed message is an expected condition for a
 * consumer (it goes to a dead-letter topic), so the failure comes back as a value with the reason.
 * Unknown fields are dropped, so a newer producer's additions do not break this reader.
 */
export function parseEvent(json: string | Uint8Array): EventParseResult {
  let candidate: unknown;
  try {
    candidate = JSON.parse(typeof json === 'string' ? json : utf8.decode(json));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: new InvalidEventError('invalid_json', `invalid event: not UTF-8 JSON (${reason})`) };
  }
  return validate(candidate);
}
