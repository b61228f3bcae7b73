import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Metrics of the event pipeline that whoever runs the outbox relay, the consumers and the mailer
 * sets: the relay's publishing delay, the consumers' lag and the mailer's outcomes. Kept here so
 * the API and the worker register the same names wherever the relay and the mailer happen to run.
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
  /** Emails the mailer's server accepted (or its file writer wrote), by kind. */
  readonly mailSent: Counter<'kind'>;
  /** Failed attempts the mailer will try again, by kind. */
  readonly mailRetried: Counter<'kind'>;
  /** Emails the mailer gave up on after their last attempt, by kind. */
  readonly mailFailed: Counter<'kind'>;
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
    mailSent: new Counter({
      name: 'authsvc_mail_sent_total',
      help: 'Emails the mail server accepted (or the file mailer wrote), by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    mailRetried: new Counter({
      name: 'authsvc_mail_retried_total',
      help: 'Failed email attempts that will be tried again, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    mailFailed: new Counter({
      name: 'authsvc_mail_failed_total',
      help: 'Emails given up on after MAIL_MAX_ATTEMPTS attempts, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
