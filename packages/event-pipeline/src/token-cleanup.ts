import type { DomainEvent } from '@authsvc/domain';
import { AbortableWait } from './abortable-wait.js';

/** What set a sweep off. */
export type SweepTrigger = 'schedule' | 'event';

/** Options of {@link TokenCleanup}. */
export interface TokenCleanupOptions {
  /** The domain's `purgeExpiredTokens`: deletes in batches and records a `tokens.purged` event per user. */
  readonly purge: (batchSize: number, maxBatches: number) => Promise<number>;
  /** Tokens deleted per transaction. Default 500. */
  readonly batchSize?: number;
  /** Batches per sweep, so one sweep stays bounded; the next sweep takes the rest. Default 20. */
  readonly maxBatches?: number;
  /** Time between scheduled sweeps. Default 60 s. */
  readonly intervalMs?: number;
  /** Told of every sweep that deleted something. */
  readonly onSwept?: (purged: number, trigger: SweepTrigger) => void;
  /** Told of a scheduled sweep that failed; the schedule goes on. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Keeps the token table from growing without bound: deletes expired tokens in bounded batches on a
 * schedule, and as soon as a `token.expired` event says expired tokens are being presented. Sweeps
 * never overlap within a process (a request during one joins it), and several processes may sweep
 * at once, since the repository skips rows another sweep has locked.
 */
export class TokenCleanup {
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private readonly intervalMs: number;
  private readonly pause = new AbortableWait();
  private running: Promise<number> | undefined;
  private schedule: Promise<void> | undefined;
  private stopping = false;

  /** Configures the cleanup; `start()` runs the schedule, `handle` reacts to events. */
  constructor(private readonly options: TokenCleanupOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.maxBatches = options.maxBatches ?? 20;
    this.intervalMs = options.intervalMs ?? 60_000;
  }

  /** Deletes expired tokens now, at most `batchSize * maxBatches`; joins a sweep already running. Returns how many were deleted. */
  sweep(trigger: SweepTrigger = 'schedule'): Promise<number> {
    this.running ??= this.options
      .purge(this.batchSize, this.maxBatches)
      .then((purged) => {
        if (purged > 0) this.options.onSwept?.(purged, trigger);
        return purged;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** The event handler: a `token.expired` event sets off a sweep; every other event is ignored. */
  readonly handle = async (event: DomainEvent): Promise<void> => {
    if (event.type === 'token.expired') await this.sweep('event');
  };

  /** Starts the schedule (first sweep after one interval); calling it again does nothing. */
  start(): void {
    this.stopping = false;
    this.schedule ??= this.runSchedule();
  }

  /** Stops the schedule and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    await this.schedule;
    this.schedule = undefined;
    await this.running?.catch(() => undefined);
  }

  private async runSchedule(): Promise<void> {
    while (!this.stopping) {
      await this.pause.wait(this.intervalMs);
      if (this.stopping) break;
      try {
        await this.sweep('schedule');
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }
}
