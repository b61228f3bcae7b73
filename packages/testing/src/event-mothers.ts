import type { DomainEvent } from '@authsvc/domain';

const metadata = { ip: '203.0.113.9', userAgent: 'curl/8', requestId: 'req-1' };

/** The n-th of a series of stable event ids. */
export const eventId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The n-th second of 2026, so events of a test have distinct, ordered times. */
export const second = (n: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, n));

/** A `user.registered` event. */
export const registeredEvent = (n: number, userId: number, email: string): DomainEvent => ({
  id: eventId(n),
  type: 'user.registered',
  version: 1,
  occurredAt: second(n),
  userId,
  metadata,
  data: { email, firstName: 'Ada', lastName: 'L' },
});

/** A `user.logged_in` event. */
export const loggedInEvent = (n: number, userId: number | null, occurredAt = second(n)): DomainEvent => ({
  id: eventId(n),
  type: 'user.logged_in',
  version: 1,
  occurredAt,
  userId,
  metadata,
  data: {},
});

/** A `user.login_failed` event for an email, with or without an account. */
export const loginFailedEvent = (n: number, userId: number | null, email: string): DomainEvent => ({
  id: eventId(n),
  type: 'user.login_failed',
  version: 1,
  occurredAt: second(n),
  userId,
  metadata,
  data: { email, reason: 'bad_credentials' },
});
