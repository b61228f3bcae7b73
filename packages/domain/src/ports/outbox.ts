import type { DomainEvent } from '../events.js';

/** Records events in the same transaction as the state change they describe. */
export interface Outbox {
  /** Appends events, in order, to the outbox. */
  append(events: readonly DomainEvent[]): Promise<void>;
}
