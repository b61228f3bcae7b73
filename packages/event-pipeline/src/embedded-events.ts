import type { AuditLog, DomainEvent, OutboxQueue } from '@authsvc/domain';
import { auditHandler } from './audit-handler.js';
import { InProcessEventDispatcher, type DomainEventHandler, type InProcessDeadLetter } from './in-process-dispatcher.js';
import { MailerLoop, type MailerLoopOptions } from './mailer-loop.js';
import { OutboxRelay } from './outbox-relay.js';
import { TokenCleanup, type SweepTrigger } from './token-cleanup.js';

/** Options of {@link startEmbeddedEvents}. */
export interface EmbeddedEventsOptions {
  /** The outbox to relay. */
  readonly queue: OutboxQueue;
  /** Where the audit handler records events. */
  readonly auditLog: AuditLog;
  /** The domain's `purgeExpiredTokens`. */
  readonly purgeExpiredTokens: (batchSize: number, maxBatches: number) => Promise<number>;
  /** Outbox poll interval. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Scheduled token cleanup interval. Default 60 s. */
  readonly cleanupIntervalMs?: number;
  /** Retry backoff of a failing handler, first wait (doubling). Default 200 ms. */
  readonly initialBackoffMs?: number;
  /** Told of relay failures (the database unreachable). */
  readonly onRelayError?: (error: unknown, retryInMs: number) => void;
  /** Told of an event a handler still failed on after its retries. */
  readonly onDeadLetter?: (letter: InProcessDeadLetter) => void;
  /** Told of every batch relayed to the handlers, for metrics. */
  readonly onPublished?: (events: readonly DomainEvent[]) => void;
  /** Told of sweeps that deleted tokens. */
  readonly onSwept?: (purged: number, trigger: SweepTrigger) => void;
  /** The mailer to run beside the relay; without it, queued emails wait for another process's. */
  readonly mail?: MailerLoopOptions;
}

/** The embedded event pipeline, running. */
export interface EmbeddedEvents {
  /** The mailer, when one was configured: `wake()` it after queuing an email to send it at once. */
  readonly mailer: MailerLoop | null;
  /** Publishes whatever is in the outbox now and sends every email due, then resolves: for tests and for a clean stop. */
  flush(): Promise<void>;
  /** Has the relay look at the outbox at once (events were committed), instead of at its next poll. A property, so it can be handed on unbound. */
  readonly wake: () => void;
  /** Stops the relay after its batch in hand, the mailer after its email in hand, and the cleanup after its sweep. */
  stop(): Promise<void>;
}

/**
 * The mode without a broker: the outbox relay runs in the API process and delivers each event
 * straight to the audit and token-cleanup handlers, the same code the Kafka worker runs; the
 * mailer runs here too, as the worker's `mailer` role would.
 */
export function startEmbeddedEvents(options: EmbeddedEventsOptions): EmbeddedEvents {
  const cleanup = new TokenCleanup({
    purge: options.purgeExpiredTokens,
    intervalMs: options.cleanupIntervalMs,
    onSwept: options.onSwept,
  });
  const handlers: Record<string, DomainEventHandler> = {
    audit: auditHandler(options.auditLog),
    'token-cleanup': cleanup.handle,
  };
  const dispatcher = new InProcessEventDispatcher(handlers, {
    initialBackoffMs: options.initialBackoffMs,
    onDeadLetter: options.onDeadLetter,
  });
  const relay = new OutboxRelay({
    queue: options.queue,
    publisher: dispatcher,
    pollIntervalMs: options.pollIntervalMs,
    onError: options.onRelayError,
    onPublished: options.onPublished,
  });
  const mailer = options.mail ? new MailerLoop(options.mail) : null;
  relay.start();
  cleanup.start();
  mailer?.start();
  return {
    mailer,
    async flush() {
      // Another relay (another API instance) may hold the lease for a moment: wait our turn.
      for (;;) {
        const outcome = await relay.runOnce();
        if (outcome.kind === 'published' && outcome.count === 0) break;
        if (outcome.kind === 'standby') await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await mailer?.drain();
    },
    wake: () => relay.wake(),
    async stop() {
      await relay.stop();
      await mailer?.stop();
      await cleanup.stop();
    },
  };
}
