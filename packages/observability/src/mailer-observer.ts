import type { PipelineMetrics } from './pipeline-metrics.js';

/** What the observer reads of a claimed email: never the request's secret or its recipient. */
interface ObservedMail {
  readonly id: string;
  readonly attempt: number;
  readonly request: { readonly kind: string };
}

/** The slice of a pino (or Fastify) logger the observer writes to. */
export interface MailerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The mailer loop's callbacks, as {@link mailerObserver} fills them in. */
export interface MailerObserver {
  onSent(mail: ObservedMail): void;
  onRetry(mail: ObservedMail, error: unknown, retryInMs: number): void;
  onFailed(mail: ObservedMail, error: unknown): void;
  onError(error: unknown, retryInMs: number): void;
}

/**
 * Counts the mailer's outcomes in the pipeline metrics and logs them, the same in the API and in
 * the worker. Lines name the email by its id (the Message-ID) and kind, not by its address.
 */
export function mailerObserver(metrics: PipelineMetrics, log: MailerLog): MailerObserver {
  const fields = (mail: ObservedMail) => ({ mailId: mail.id, kind: mail.request.kind, attempt: mail.attempt });
  return {
    onSent: (mail) => {
      metrics.mailSent.inc({ kind: mail.request.kind });
      log.info(fields(mail), 'email sent');
    },
    onRetry: (mail, error, retryInMs) => {
      metrics.mailRetried.inc({ kind: mail.request.kind });
      log.warn({ ...fields(mail), err: error, retryInMs }, 'email not sent, will retry');
    },
    onFailed: (mail, error) => {
      metrics.mailFailed.inc({ kind: mail.request.kind });
      log.error({ ...fields(mail), err: error }, 'email given up on after its last attempt');
    },
    onError: (error, retryInMs) => log.warn({ err: error, retryInMs }, 'mailer cannot reach its queue, will retry'),
  };
}
