import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Metrics of the event pipeline that whoever runs the outbox relay and the consumers sets: the
 * relay's publishing delay and the consumers' lag. Kept here so the API and the worker register
 * the same names wherever the relay happens to run.
 */
export interface PipelineMetrics {
  /** Seconds between an event's commit to the outbox and its publication, of the last batch. */
  readonly relayLagSeconds: Gauge<never>;
  /** Events the relay published, by event type. */
  readonly relayPublished: Counter<'type'>;
  /** Messages a consumer group has yet to process, by group, topic and partition. */
  readonly consumerLagMessages: Gauge<'group' | 'topic' | 'partition'>;
  /** Seconds between an event's occurrence and its processing by a consumer, of the last message. */
  readonly consumerLagSeconds: Gauge<'group'>;
}

/** Registers the pipeline metrics in `registry`. */
export function createPipelineMetrics(registry: Registry): PipelineMetrics {
  return {
    relayLagSeconds: new Gauge({
      name: 'authsvc_relay_lag_seconds',
      help: 'Seconds from outbox commit to publication, for the last batch the relay published',
      registers: [registry],
    }),
    relayPublished: new Counter({
      name: 'authsvc_relay_published_total',
      help: 'Events the outbox relay published',
      labelNames: ['type'],
      registers: [registry],
    }),
    consumerLagMessages: new Gauge({
      name: 'authsvc_consumer_lag_messages',
      help: 'Messages a consumer group has not processed yet',
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
    }),
    consumerLagSeconds: new Gauge({
      name: 'authsvc_consumer_lag_seconds',
      help: 'Seconds from an event to its processing, for the last message a consumer group handled',
      labelNames: ['group'],
      registers: [registry],
    }),
  };
}
