import type { DomainEvent, EventPublisher, OutboxBatchOutcome, OutboxQueue } from '@authsvc/domain';
import { AbortableWait, backoffDelay } from './abortable-wait.js';

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  readonly queue: OutboxQueue;
  /** Kafka in the worker; the in-process dispatcher in the embedded mode. */
  readonly publisher: EventPublisher;
  /** Events per batch (one publish request, one transaction). Default 100. */
  readonly batchSize?: number;
  /** Wait between polls of an empty outbox, or while another relay holds the lease. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Wait after the first failed batch, doubled per further failure. Default 200 ms. */
  readonly initialBackoffMs?: number;
  /** Upper bound of the backoff. Default 10 s. */
  readonly maxBackoffMs?: number;
  /** Told of every failed batch (the broker unreachable, the database down) and how long until the retry. */
  readonly onError?: (error: unknown, retryInMs: number) => void;
  /** Told of every batch the publisher accepted, for logs and metrics (before its rows are deleted). */
  readonly onPublished?: (events: readonly DomainEvent[]) => void;
}

/**
 * Moves events from the outbox to subscribers: one batch at a time, oldest first, deleted only after
 * the publisher accepted them. A failure keeps the batch and retries it with exponential backoff, so
 * nothing is lost while the broker is away; a crash between publishing and deleting publishes the
 * batch again, which is why consumers deduplicate by event id (at-least-once).
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pause = new AbortableWait();
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Set by `wake()`: events were written since the batch under way looked, so no poll wait follows it. */
  private woken = false;
  /** True while the loop waits for its next poll (not while it backs off from a failure). */
  private polling = false;

  /** Configures the relay; `start()` runs it. */
  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  /** Publishes one batch, or stands by when another relay holds the lease. Throws what the publisher or the database threw. */
  runOnce(): Promise<OutboxBatchOutcome> {
    return this.options.queue.deliverOldest(this.batchSize, async (events) => {
      await this.options.publisher.publish(events);
      this.options.onPublished?.(events);
    });
  }

  /** Starts relaying in the background until `stop()`; calling it again does nothing. */
  start(): void {
    this.stopping = false;
    this.loop ??= this.run();
  }

  /**
   * Looks at the outbox at once, e.g. when a transaction that wrote it commits: cuts the poll
   * wait short, or, during a batch, skips the next one (the batch may have looked before the new
   * rows were committed). A failure's backoff is kept, so a broker outage is not retried at the
   * rate events are written.
   */
  wake(): void {
    this.woken = true;
    if (this.polling) this.pause.wake();
  }

  /** Lets the batch in hand finish (or fail), then stops; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delay: number;
      this.woken = false;
      try {
        const outcome = await this.runOnce();
        failures = 0;
        // A full batch means more are probably waiting, and a wake that more were written: take the next at once.
        delay = (outcome.kind === 'published' && outcome.count >= this.batchSize) || this.woken ? 0 : this.pollIntervalMs;
      } catch (error) {
        failures += 1;
        delay = backoffDelay(failures, this.initialBackoffMs, this.maxBackoffMs);
        this.options.onError?.(error, delay);
      }
      if (delay > 0 && !this.stopping) {
        this.polling = failures === 0;
        await this.pause.wait(delay);
        this.polling = false;
      }
    }
  }
}
