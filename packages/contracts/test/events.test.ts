import { describe, expect, it } from 'vitest';
import { AUTH_EVENT_TYPES, InvalidEventError, parseEvent, serializeEvent, type AuthEvent } from '../src/events.js';

const metadata = { ip: '203.0.113.7', userAgent: 'pytest', requestId: 'req-1' };
const occurredAt = new Date('2026-01-01T12:00:00.000Z');

function envelope(n: number) {
  return {
    id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    version: 1 as const,
    occurredAt,
    userId: 7,
    metadata,
  };
}

/** One event of every type, as the domain would record it (with a Date). */
const oneOfEach: AuthEvent[] = [
  { ...envelope(1), type: 'user.registered', data: { email: 'john@example.com', firstName: 'John', lastName: 'Doe' } },
  { ...envelope(2), type: 'user.logged_in', data: {} },
  { ...envelope(3), type: 'user.login_failed', userId: null, data: { email: 'x@example.com', reason: 'bad_credentials' } },
  { ...envelope(4), type: 'user.logged_out', data: { allTokens: false, revoked: 1 } },
  { ...envelope(5), type: 'token.expired', data: { expiredAt: '2026-01-01T11:00:00.000Z' } },
  { ...envelope(6), type: 'tokens.purged', metadata: { ip: null, userAgent: null, requestId: null }, data: { count: 3 } },
  { ...envelope(7), type: 'user.password_reset_requested', data: { email: 'john@example.com' } },
  { ...envelope(8), type: 'user.password_reset', data: { revokedTokens: 2 } },
  { ...envelope(9), type: 'user.password_changed', data: { revokedTokens: 1 } },
  { ...envelope(10), type: 'user.email_verified', data: { email: 'john@example.com' } },
  { ...envelope(11), type: 'token.revoked', data: { reason: 'revoked', tokenIds: ['00000000-0000-4000-8000-0000000000aa'] } },
];

function wire(event: AuthEvent): Record<string, unknown> {
  return JSON.parse(serializeEvent(event)) as Record<string, unknown>;
}

function expectInvalid(json: string, code: 'invalid_json' | 'invalid_event'): InvalidEventError {
  const result = parseEvent(json);
  if (result.ok) throw new Error(`expected ${json} to be rejected`);
  expect(result.error).toBeInstanceOf(InvalidEventError);
  expect(result.error.code).toBe(code);
  return result.error;
}

describe('event contract', () => {
  it('covers every event type', () => {
    expect(oneOfEach.map((e) => e.type)).toEqual([...AUTH_EVENT_TYPES]);
  });

  it.each(oneOfEach)('round-trips $type: occurredAt an ISO string on the wire, the Date the domain recorded once parsed', (event) => {
    const json = serializeEvent(event);
    expect(JSON.parse(json)).toMatchObject({ occurredAt: '2026-01-01T12:00:00.000Z' });
    const result = parseEvent(json);
    expect(result).toEqual({ ok: true, value: event });
    expect(parseEvent(Buffer.from(json))).toEqual(result);
  });

  it('reads a time written with an offset as the same instant', () => {
    const result = parseEvent(JSON.stringify({ ...wire(oneOfEach[1]!), occurredAt: '2026-01-01T14:00:00+02:00' }));
    expect(result.ok ? result.value.occurredAt : result.error).toEqual(occurredAt);
  });

  it('writes the envelope fields in a stable order', () => {
    expect(Object.keys(wire(oneOfEach[0]!))).toEqual(['id', 'type', 'version', 'occurredAt', 'userId', 'metadata', 'data']);
  });

  it('rejects an unknown type', () => {
    const json = JSON.stringify({ ...wire(oneOfEach[1]!), type: 'user.deleted' });
    const error = expectInvalid(json, 'invalid_event');
    expect(error.issues.map((i) => i.path)).toContain('type');
  });

  it('rejects an unknown version', () => {
    expectInvalid(JSON.stringify({ ...wire(oneOfEach[1]!), version: 2 }), 'invalid_event');
  });

  it.each(['id', 'occurredAt', 'userId', 'metadata', 'data'])('rejects an envelope without %s', (field) => {
    const { [field]: _dropped, ...rest } = wire(oneOfEach[0]!);
    const error = expectInvalid(JSON.stringify(rest), 'invalid_event');
    expect(error.issues.map((i) => i.path)).toContain(field);
  });

  it('rejects a payload without a required field, naming the path', () => {
    const event = wire(oneOfEach[0]!);
    const json = JSON.stringify({ ...event, data: { email: 'john@example.com', firstName: 'John' } });
    const error = expectInvalid(json, 'invalid_event');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'data.lastName' })]);
    expect(error.message).toContain('data.lastName');
  });

  it('rejects a malformed id, timestamp or login failure reason', () => {
    const event = wire(oneOfEach[2]!);
    expectInvalid(JSON.stringify({ ...event, id: 'not-a-uuid' }), 'invalid_event');
    expectInvalid(JSON.stringify({ ...event, occurredAt: 'yesterday' }), 'invalid_event');
    expectInvalid(JSON.stringify({ ...event, data: { email: 'x@example.com', reason: 'locked' } }), 'invalid_event');
  });

  it('reports invalid JSON and invalid UTF-8 without throwing', () => {
    expectInvalid('{"id": ', 'invalid_json');
    const result = parseEvent(Uint8Array.of(0x7b, 0xff, 0x7d));
    expect(result.ok ? undefined : result.error.code).toBe('invalid_json');
  });

  it('throws when asked to serialize an event that breaks the schema', () => {
    const broken: AuthEvent = { ...oneOfEach[4]!, occurredAt: new Date(Number.NaN) };
    expect(() => serializeEvent(broken)).toThrow(InvalidEventError);
  });

  it('never puts a password or token on the wire, even if one is smuggled in', () => {
    for (const event of oneOfEach) {
      const smuggled = {
        ...event,
        token: 'abc123',
        password: 'Password123',
        data: { ...event.data, password: 'Password123', token: 'abc123', tokenDigest: 'ff' },
      } as unknown as AuthEvent;
      const json = serializeEvent(smuggled);
      // Keys, not words: some event types are named for the password (`user.password_changed`).
      expect(json).not.toMatch(/"password"|"token"|tokenDigest|abc123|Password123/i);
      expect(JSON.stringify(parseEvent(JSON.stringify({ ...JSON.parse(json), password: 'x' })))).not.toContain('"password"');
    }
  });
});
