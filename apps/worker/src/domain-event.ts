import type { AuthEventMessage } from '@authsvc/contracts';
import type { DomainEvent } from '@authsvc/domain';

/**
 * The domain event a validated wire message describes, so the Kafka consumers can hand the handlers
 * the same `DomainEvent` the embedded mode hands them straight from the outbox.
 */
export function toDomainEvent(message: AuthEventMessage): DomainEvent {
  // The contract's schemas mirror the domain's payload types one to one (the publisher's tests
  // check it at compile time in the other direction); only the time changes representation.
  return { ...message, occurredAt: new Date(message.occurredAt) } as DomainEvent;
}
