import type { ThrottleCounter, ThrottleStore } from '@authsvc/domain';

interface Entry {
  hits: number;
  windowEndsAt: Date;
  blockedUntil: Date | null;
}

const isLive = (entry: Entry, now: Date) => entry.windowEndsAt > now || (entry.blockedUntil !== null && entry.blockedUntil > now);

const snapshot = (entry: Entry): ThrottleCounter => ({ ...entry });

/** Throttle counters in a map, with the same fixed-window rules as the PostgreSQL adapter. */
export class InMemoryThrottleStore implements ThrottleStore {
  /** The counters by `scope` and key, for tests to look at. */
  readonly counters = new Map<string, Entry>();

  async hit(scope: string, key: string, windowSeconds: number, now: Date): Promise<ThrottleCounter> {
    const id = `${scope}\u0000${key}`;
    const entry = this.counters.get(id);
    if (entry && entry.windowEndsAt > now) {
      entry.hits += 1;
      return snapshot(entry);
    }
    // A new window; a block outlives the window it was earned in.
    const blockedUntil = entry?.blockedUntil && entry.blockedUntil > now ? entry.blockedUntil : null;
    const fresh: Entry = { hits: 1, windowEndsAt: new Date(now.getTime() + windowSeconds * 1000), blockedUntil };
    this.counters.set(id, fresh);
    return snapshot(fresh);
  }

  async read(scope: string, key: string, now: Date): Promise<ThrottleCounter | null> {
    const entry = this.counters.get(`${scope}\u0000${key}`);
    return entry && isLive(entry, now) ? snapshot(entry) : null;
  }

  async block(scope: string, key: string, until: Date): Promise<void> {
    const entry = this.counters.get(`${scope}\u0000${key}`);
    if (!entry) {
      this.counters.set(`${scope}\u0000${key}`, { hits: 0, windowEndsAt: until, blockedUntil: until });
      return;
    }
    if (!entry.blockedUntil || entry.blockedUntil < until) entry.blockedUntil = until;
  }

  async clear(scope: string, key: string): Promise<void> {
    this.counters.delete(`${scope}\u0000${key}`);
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
