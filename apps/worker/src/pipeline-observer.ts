import type { EventHandlerContext } from '@authsvc/adapter-kafka';
import type { Clock, DomainEvent } from '@authsvc/domain';
import type { PipelineMetrics } from '@authsvc/observability';

/** Counts what the relay published and how long its oldest event waited in the outbox. */
export function observeRelayBatch(metrics: PipelineMetrics, clock: Clock, batch: readonly DomainEvent[]): void {
  for (const event of batch) metrics.relayPublished.inc({ type: event.type });
  const oldest = batch[0];
  if (oldest) metrics.relayLagSeconds.set((clock.now().getTime() - oldest.occurredAt.getTime()) / 1000);
}

/** Records how far a consumer group is behind: records still ahead in the partition, and the age of the one in hand. */
export function observeConsumed(
  metrics: PipelineMetrics,
  clock: Clock,
  group: string,
  event: DomainEvent,
  context: EventHandlerContext,
): void {
  if (context.lag !== null) {
    metrics.consumerLagMessages.set({ group, topic: context.topic, partition: String(context.partition) }, context.lag);
  }
  metrics.consumerLagSeconds.set({ group }, Math.max(0, (clock.now().getTime() - event.occurredAt.getTime()) / 1000));
}
