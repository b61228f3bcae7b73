/** A throttle counter as it stands: hits in its current window, and any block on its key. */
export interface ThrottleCounter {
  /** Hits counted in the current window, the latest one included. */
  readonly hits: number;
  /** When the current window ends and its count starts again from zero. */
  readonly windowEndsAt: Date;
  /** Until when the key is refused outright, or null when it is not blocked. */
  readonly blockedUntil: Date | null;
}

/**
 * Counters of requests per scope and key (a client address, an account), shared by every instance
 * of the service so that a limit holds however many instances answer. Windows are fixed: one
 * starts at the first hit after the previous one ended.
 */
export interface ThrottleStore {
  /** Counts one hit on `scope`/`key` atomically, opening a `windowSeconds` window when none is open; returns the counter after it. */
  hit(scope: string, key: string, windowSeconds: number, now: Date): Promise<ThrottleCounter>;
  /** The counter of `scope`/`key`, or null when it has nothing left to say at `now` (window over, no block). */
  read(scope: string, key: string, now: Date): Promise<ThrottleCounter | null>;
  /** Refuses the key until `until`; a longer block already in place is kept. */
  block(scope: string, key: string, until: Date): Promise<void>;
  /** Forgets the counter of `scope`/`key`. */
  clear(scope: string, key: string): Promise<void>;
  /** Deletes up to `limit` counters that have nothing left to say at `now`; returns how many. */
  purgeExpired(now: Date, limit: number): Promise<number>;
}
