import type { DomainEvent, EventPublisher } from '@authsvc/domain';
import { backoffDelay } from './abortable-wait.js';

/** Handles one event; must be idempotent by `event.id`, since delivery is at least once. */
export type DomainEventHandler = (event: DomainEvent) => Promise<void>;

/** An event a handler still failed on after every attempt, as reported to `onDeadLetter`. */
export interface InProcessDeadLetter {
  /** The name the failing handler was registered under. */
  readonly handler: string;
  /** The whole event, so it can be replayed from the log. */
  readonly event: DomainEvent;
  /** What the last attempt threw. */
  readonly error: unknown;
  /** How many times the handler ran on it. */
  readonly attempts: number;
}

/** Options of {@link InProcessEventDispatcher}. */
export interface InProcessDispatcherOptions {
  /** Runs of a handler per event before it is given up on. Default 5, as the Kafka consumers. */
  readonly maxAttempts?: number;
  /** Wait after the first failure, doubled after each further one. Default 200 ms. */
  readonly initialBackoffMs?: number;
  /** Upper bound of one wait. Default 5 s. */
  readonly maxBackoffMs?: number;
  /** Where an event goes that a handler keeps failing on: the embedded mode's dead-letter queue (a log line). */
  readonly onDeadLetter?: (letter: InProcessDeadLetter) => void;
}

/**
 * The embedded mode's publisher: instead of a broker, it hands each event straight to the same
 * handlers the Kafka consumers run, in order. Like the consumers, it retries a failing handler with
 * backoff and then dead-letters the event and goes on, so one bad event cannot stall the outbox.
 */
export class InProcessEventDispatcher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  /** Dispatches to `handlers`, by name (the name is reported with a dead letter). */
  constructor(
    private readonly handlers: Readonly<Record<string, DomainEventHandler>>,
    private readonly options: InProcessDispatcherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  /** Runs every handler on every event, in order; resolves once all were handled or dead-lettered. */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const [name, handler] of Object.entries(this.handlers)) await this.deliver(name, handler, event);
    }
  }

  private async deliver(name: string, handler: DomainEventHandler, event: DomainEvent): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await handler(event);
        return;
      } catch (error) {
        if (attempt >= this.maxAttempts) {
          this.options.onDeadLetter?.({ handler: name, event, error, attempts: attempt });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.initialBackoffMs, this.maxBackoffMs)));
      }
    }
  }
}
