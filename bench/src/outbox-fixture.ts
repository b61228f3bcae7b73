import { randomUUID } from 'node:crypto';
import type { OutboxPayload } from '@authsvc/adapter-postgres';

/**
 * `count` `user.logged_in` payloads for users 1..`users` in turn, shaped as the API's login writes
 * them (`encodeEvent` of the use case's event), so the relay and the producer ceiling move
 * records of the same size as production's.
 */
export function loginPayloads(count: number, users: number): OutboxPayload[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'user.logged_in',
    version: 1,
    occurredAt: new Date(now + i).toISOString(),
    userId: (i % users) + 1,
    // What a login through the API records: the client address, fetch's user agent, a UUID request id.
    metadata: { ip: '127.0.0.1', userAgent: 'node', requestId: randomUUID() },
    data: {},
  }));
}
