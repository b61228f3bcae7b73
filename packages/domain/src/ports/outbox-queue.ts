import type { DomainEvent } from '../events.js';

/** What one relay step did: published a batch (possibly empty), or stood by because another relay holds the lease. */
export type OutboxBatchOutcome = { readonly kind: 'published'; readonly count: number } | { readonly kind: 'standby' };

/** The outbox as a relay sees it: the oldest events first, removed only once they were delivered. */
export interface OutboxQueue {
  /**
   * Takes up to `limit` of the oldest events, hands them to `deliver`, and removes them once it
   * resolves, atomically: when `deliver` rejects (or the process dies) they stay, to be delivered
   * again. Only one relay at a time delivers, so events keep their order across relay instances.
   */
  deliverOldest(limit: number, deliver: (events: readonly DomainEvent[]) => Promise<void>): Promise<OutboxBatchOutcome>;
}
