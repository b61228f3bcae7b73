/** A throttle counter as it stands: hits in its current window. */
export interface ThrottleCounter {
  /** Hits counted in the current window, the latest one included. */
  readonly hits: number;
  /** When the current window ends and its count starts again from zero. */
  readonly windowEndsAt: Date;
}

/** How attempts on a key block it: some go free, then each one blocks the key for a while. */
export interface AttemptRule {
  /** How long attempts are remembered, counted from the first of them; a block outlives it. */
  readonly windowSeconds: number;
  /** The attempt (1-based, in the window) from which on each admitted attempt blocks the key. */
  readonly blockFromAttempt: number;
  /** Block lengths in seconds: the first for attempt `blockFromAttempt`, the next for the one after, the last for all later. */
  readonly blockSeconds: readonly number[];
}

/** One counter: what it limits (`scope`) and whom (`key`). */
export interface ThrottleKey {
  readonly scope: string;
  readonly key: string;
}

/** Whether an attempt was admitted (and counted), or refused because the key is blocked. */
export type AttemptOutcome =
  { readonly admitted: true; readonly attempts: number } | { readonly admitted: false; readonly blockedUntil: Date };

/**
 * Counters of requests per scope and key (a client address, an account), shared by every instance
 * of the service so that a limit holds however many instances answer. Windows are fixed: one
 * starts at the first hit after the previous one ended.
 */
export interface ThrottleStore {
  /** Counts one hit on `scope`/`key` atomically, opening a `windowSeconds` window when none is open; returns the counter after it. */
  hit(scope: string, key: string, windowSeconds: number, now: Date): Promise<ThrottleCounter>;
  /**
   * Counts one attempt on `scope`/`key` unless the key is blocked at `now`, in one atomic step: of
   * any number of concurrent calls, only those the rule allows are admitted. An admitted attempt
   * that reaches `blockFromAttempt` blocks the key at once, before its outcome is known, so no
   * concurrent attempt slips past; a refused one is not counted.
   */
  attempt(scope: string, key: string, rule: AttemptRule, now: Date): Promise<AttemptOutcome>;
  /** Forgets `counters`, and any block on them, in one step; an empty list costs nothing. */
  clear(counters: readonly ThrottleKey[]): Promise<void>;
  /** Deletes up to `limit` counters that have nothing left to say at `now`; returns how many. */
  purgeExpired(now: Date, limit: number): Promise<number>;
}
