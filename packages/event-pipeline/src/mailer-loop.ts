import type { MailDeliveryQueue, Mailer, OutgoingEmail, QueuedMail } from '@authsvc/domain';
import { AbortableWait, backoffDelay } from './abortable-wait.js';

/** Options of {@link MailerLoop}. */
export interface MailerLoopOptions {
  readonly queue: MailDeliveryQueue;
  /** SMTP, or the `.eml` file writer. */
  readonly mailer: Mailer;
  /** Turns a queued request into the email to send; its Message-ID must come from `mail.id`. */
  readonly render: (mail: QueuedMail) => OutgoingEmail;
  /** Attempts per email before it is marked failed. Default 8. */
  readonly maxAttempts?: number;
  /** Wait before the second attempt, doubled before each further one. Default 30 s. */
  readonly retryInitialMs?: number;
  /** Upper bound of that wait. Default 30 min, so 8 attempts span about the hour a reset link lives. */
  readonly retryMaxMs?: number;
  /** How long a claim keeps an email from other mailers: well beyond one send's timeouts. Default 5 min. */
  readonly leaseMs?: number;
  /** Wait between polls of a queue with nothing due. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** Wait after the first failure to reach the queue (the database down), doubled per further one. Default 200 ms. */
  readonly initialBackoffMs?: number;
  /** Upper bound of that wait. Default 10 s. */
  readonly maxBackoffMs?: number;
  /** Told of every email the server accepted, for logs and metrics. */
  readonly onSent?: (mail: QueuedMail) => void;
  /** Told of every failed attempt that will be tried again, and when. */
  readonly onRetry?: (mail: QueuedMail, error: unknown, retryInMs: number) => void;
  /** Told of every email given up on. */
  readonly onFailed?: (mail: QueuedMail, error: unknown) => void;
  /** Told of failures to reach the queue, and how long until the next try. */
  readonly onError?: (error: unknown, retryInMs: number) => void;
}

/** What one step of the loop did. */
export type MailerStep = 'sent' | 'retrying' | 'failed' | 'idle';

// Enough of an SMTP reply to say why, not so much that a chatty server fills the table.
const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 1_000);

/**
 * Delivers queued emails one at a time: claims the oldest due one, renders it, sends it, and marks
 * it sent as soon as the send resolves. A refused send is retried with exponential backoff, and
 * after `maxAttempts` the email is marked failed. A crash between the send and the mark leaves the
 * email leased; once the lease runs out it is sent again with the same Message-ID: at least once,
 * and at most one duplicate per crash.
 */
export class MailerLoop {
  private readonly maxAttempts: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pause = new AbortableWait();
  private loop: Promise<void> | undefined;
  private stopping = false;
  // A wake that came during a step, when there was no wait to cut short: the step may have looked
  // at the queue before the email was queued, so look again at once.
  private woken = false;
  // Sent, but the queue could not be told (the database away): told first on the next step, before
  // the lease runs out and another mailer sends it again.
  private unmarked: QueuedMail | null = null;
  // Steps run one after another, so a `drain()` that finds nothing due knows the background loop
  // holds no email either: what it had in hand was settled before.
  private tail: Promise<unknown> = Promise.resolve();

  /** Configures the loop; `start()` runs it. */
  constructor(private readonly options: MailerLoopOptions) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.retryInitialMs = options.retryInitialMs ?? 30_000;
    this.retryMaxMs = options.retryMaxMs ?? 30 * 60_000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  /** Delivers (or retries, or fails) the oldest due email, after any step in progress; `idle` when none is due. Throws what the queue threw. */
  runOnce(): Promise<MailerStep> {
    const step = this.tail.then(() => this.step());
    this.tail = step.catch(() => undefined);
    return step;
  }

  private async step(): Promise<MailerStep> {
    const { queue } = this.options;
    if (this.unmarked) {
      await queue.markSent(this.unmarked);
      this.unmarked = null;
    }
    const mail = await queue.claimNext(this.leaseMs);
    if (!mail) return 'idle';
    // Only claims that were never settled (mailers that died holding them) get this far.
    if (mail.attempt > this.maxAttempts) return this.fail(mail, new Error(`no answer after ${this.maxAttempts} attempts`));
    try {
      await this.options.mailer.send(this.options.render(mail));
    } catch (error) {
      if (mail.attempt >= this.maxAttempts) return this.fail(mail, error);
      const retryInMs = backoffDelay(mail.attempt, this.retryInitialMs, this.retryMaxMs);
      await queue.retryLater(mail, retryInMs, describeError(error));
      this.options.onRetry?.(mail, error, retryInMs);
      return 'retrying';
    }
    this.options.onSent?.(mail);
    try {
      await queue.markSent(mail);
    } catch (error) {
      this.unmarked = mail;
      throw error;
    }
    return 'sent';
  }

  /** Works until no email is due: for tests, and for a clean stop of the embedded mode. */
  async drain(): Promise<void> {
    while ((await this.runOnce()) !== 'idle');
  }

  /** Starts delivering in the background until `stop()`; calling it again does nothing. */
  start(): void {
    this.stopping = false;
    this.loop ??= this.run();
  }

  /** Cuts the current poll wait short, e.g. right after an email was queued. */
  wake(): void {
    this.woken = true;
    this.pause.wake();
  }

  /** Lets the email in hand be settled, then stops; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    await this.loop;
    this.loop = undefined;
  }

  private async fail(mail: QueuedMail, error: unknown): Promise<MailerStep> {
    await this.options.queue.markFailed(mail, describeError(error));
    this.options.onFailed?.(mail, error);
    return 'failed';
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delay: number;
      this.woken = false;
      try {
        const step = await this.runOnce();
        failures = 0;
        delay = step === 'idle' && !this.woken ? this.pollIntervalMs : 0;
      } catch (error) {
        failures += 1;
        delay = backoffDelay(failures, this.initialBackoffMs, this.maxBackoffMs);
        this.options.onError?.(error, delay);
      }
      if (delay > 0 && !this.stopping) await this.pause.wait(delay);
    }
  }
}
