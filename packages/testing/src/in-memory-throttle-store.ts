import type { AttemptOutcome, AttemptRule, ThrottleCounter, ThrottleKey, ThrottleStore } from '@authsvc/domain';

interface Entry {
  hits: number;
  windowEndsAt: Date;
  blockedUntil: Date | null;
}

const isLive = (entry: Entry, now: Date) => entry.windowEndsAt > now || (entry.blockedUntil !== null && entry.blockedUntil > now);

const idOf = (scope: string, key: string) => `${scope}\u0000${key}`;

/** Throttle counters in a map, with the same fixed-window rules as the PostgreSQL adapter. */
export class InMemoryThrottleStore implements ThrottleStore {
  /** The counters by `scope` and key, for tests to look at. */
  readonly counters = new Map<string, Entry>();

  /** Counts a hit in the open window, or opens a new one; a block outlives the window it was earned in. */
  private count(scope: string, key: string, windowSeconds: number, now: Date): Entry {
    const entry = this.counters.get(idOf(scope, key));
    if (entry && entry.windowEndsAt > now) {
      entry.hits += 1;
      return entry;
    }
    const blockedUntil = entry?.blockedUntil && entry.blockedUntil > now ? entry.blockedUntil : null;
    const fresh: Entry = { hits: 1, windowEndsAt: new Date(now.getTime() + windowSeconds * 1000), blockedUntil };
    this.counters.set(idOf(scope, key), fresh);
    return fresh;
  }

  async hit(scope: string, key: string, windowSeconds: number, now: Date): Promise<ThrottleCounter> {
    const { hits, windowEndsAt } = this.count(scope, key, windowSeconds, now);
    return { hits, windowEndsAt };
  }

  async attempt(scope: string, key: string, rule: AttemptRule, now: Date): Promise<AttemptOutcome> {
    const blockedUntil = this.counters.get(idOf(scope, key))?.blockedUntil;
    if (blockedUntil && blockedUntil > now) return { admitted: false, blockedUntil };
    const entry = this.count(scope, key, rule.windowSeconds, now);
    const step = entry.hits - rule.blockFromAttempt;
    const seconds = step < 0 ? null : rule.blockSeconds[Math.min(step, rule.blockSeconds.length - 1)];
    entry.blockedUntil = seconds ? new Date(now.getTime() + seconds * 1000) : null;
    return { admitted: true, attempts: entry.hits };
  }

  async clear(counters: readonly ThrottleKey[]): Promise<void> {
    for (const { scope, key } of counters) this.counters.delete(idOf(scope, key));
  }

  async purgeExpired(now: Date, limit: number): Promise<number> {
    let purged = 0;
    for (const [id, entry] of this.counters) {
      if (purged >= limit) break;
      if (isLive(entry, now)) continue;
      this.counters.delete(id);
      purged += 1;
    }
    return purged;
  }
}
