import type { AuditLog, AuditSubject, DomainEvent, EventPublisher, OutboxBatchOutcome, OutboxQueue } from '@authsvc/domain';
import { normalizeEmail } from '@authsvc/domain';
import type { InMemoryStore } from './in-memory-store.js';

/** An audit log in memory, idempotent by event id, for tests of the handlers. */
export class InMemoryAuditLog implements AuditLog {
  /** Stored events in arrival order. */
  readonly events: DomainEvent[] = [];

  /** Stores the event unless its id is already stored. */
  async append(event: DomainEvent): Promise<boolean> {
    if (this.events.some((stored) => stored.id === event.id)) return false;
    this.events.push(event);
    return true;
  }

  /** The events of the user or the email, oldest first; with `limit`, the newest that many. */
  async listFor(subject: AuditSubject, limit?: number): Promise<DomainEvent[]> {
    const matches = this.events
      .map((event, arrival) => ({ event, arrival }))
      .filter(({ event }) => {
        const email = 'email' in event.data ? event.data.email : null;
        return (
          (subject.userId !== null && event.userId === subject.userId) ||
          (email !== null && normalizeEmail(email) === normalizeEmail(subject.email))
        );
      })
      .sort((a, b) => a.event.occurredAt.getTime() - b.event.occurredAt.getTime() || a.arrival - b.arrival)
      .map(({ event }) => event);
    if (limit === undefined) return matches;
    return limit <= 0 ? [] : matches.slice(-limit);
  }
}

/** The relay's view of an `InMemoryStore`'s outbox: oldest first, removed after delivery, one relay at a time. */
export class InMemoryOutboxQueue implements OutboxQueue {
  /** Reads and trims the store's outbox. */
  constructor(private readonly store: InMemoryStore) {}

  /**
   * Delivers the oldest `limit` events and removes them once delivered; stands by while another
   * queue over the same store delivers (the lease is the store's, as the database lock is).
   */
  async deliverOldest(limit: number, deliver: (events: readonly DomainEvent[]) => Promise<void>): Promise<OutboxBatchOutcome> {
    if (this.store.delivering) return { kind: 'standby' };
    this.store.delivering = true;
    try {
      const batch = this.store.state.outbox.slice(0, limit);
      if (batch.length === 0) return { kind: 'published', count: 0 };
      await deliver(batch);
      // Events appended meanwhile are behind the batch, so removing from the front removes exactly it.
      this.store.state.outbox.splice(0, batch.length);
      return { kind: 'published', count: batch.length };
    } finally {
      this.store.delivering = false;
    }
  }
}

/** A publisher that records what it was given, for tests of the relay; it can be made to refuse. */
export class InMemoryEventPublisher implements EventPublisher {
  /** Every event published, in order. */
  readonly published: DomainEvent[] = [];
  /** While set, `publish` rejects with it and delivers nothing, as a broker outage would. */
  outage: Error | null = null;
  /** How many calls the outage refused. */
  refusals = 0;

  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (this.outage) {
      this.refusals += 1;
      throw this.outage;
    }
    this.published.push(...events);
  }
}
