import type { DomainEvent } from '../events.js';

/**
 * Delivers events to their subscribers: a Kafka topic, or the in-process handlers when no broker
 * is configured. Resolving means every event was accepted (acknowledged by the broker, or handled),
 * so the relay may then forget them; rejecting means none may be assumed delivered.
 */
export interface EventPublisher {
  /** Delivers the events in the order given; one user's events must keep that order. */
  publish(events: readonly DomainEvent[]): Promise<void>;
}
