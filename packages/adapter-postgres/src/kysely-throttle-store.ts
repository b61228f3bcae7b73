import type { ThrottleCounter, ThrottleStore } from '@authsvc/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';

type CounterRow = { hits: number; window_ends_at: Date; blocked_until: Date | null };

const toCounter = (row: CounterRow): ThrottleCounter => ({
  hits: row.hits,
  windowEndsAt: row.window_ends_at,
  blockedUntil: row.blocked_until,
});

/**
 * `ThrottleStore` over one PostgreSQL table. Each hit is one `INSERT ... ON CONFLICT DO UPDATE
 * ... RETURNING`, atomic under concurrency, so every API instance counts against the same limit.
 * Times come from the caller's clock, not the server's, so tests can move time.
 */
export class KyselyThrottleStore implements ThrottleStore {
  /** Binds the store to a database handle. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Counts one hit; the update's expressions read the row as it was before this statement. */
  async hit(scope: string, key: string, windowSeconds: number, now: Date): Promise<ThrottleCounter> {
    const windowEndsAt = new Date(now.getTime() + windowSeconds * 1000);
    const windowOpen = sql<boolean>`throttles.window_ends_at > ${now}`;
    const liveBlock = sql<Date | null>`case when throttles.blocked_until > ${now} then throttles.blocked_until end`;
    const newWindowEnd = sql<Date>`case when ${windowOpen} then throttles.window_ends_at else ${windowEndsAt}::timestamptz end`;
    const row = await this.db
      .insertInto('throttles')
      .values({ scope, key, hits: 1, window_ends_at: windowEndsAt, blocked_until: null, expires_at: windowEndsAt })
      .onConflict((oc) =>
        oc.columns(['scope', 'key']).doUpdateSet({
          hits: sql<number>`case when ${windowOpen} then throttles.hits + 1 else 1 end`,
          window_ends_at: newWindowEnd,
          blocked_until: liveBlock,
          // greatest() skips a null block.
          expires_at: sql<Date>`greatest(${newWindowEnd}, ${liveBlock})`,
        }),
      )
      .returning(['hits', 'window_ends_at', 'blocked_until'])
      .executeTakeFirstOrThrow();
    return toCounter(row);
  }

  /** The live counter of `scope`/`key`, or null. */
  async read(scope: string, key: string, now: Date): Promise<ThrottleCounter | null> {
    const row = await this.db
      .selectFrom('throttles')
      .select(['hits', 'window_ends_at', 'blocked_until'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? toCounter(row) : null;
  }

  /** Blocks the key until `until`, keeping a longer block; creates the counter when there is none. */
  async block(scope: string, key: string, until: Date): Promise<void> {
    await this.db
      .insertInto('throttles')
      .values({ scope, key, hits: 0, window_ends_at: until, blocked_until: until, expires_at: until })
      .onConflict((oc) =>
        oc.columns(['scope', 'key']).doUpdateSet({
          blocked_until: sql<Date>`greatest(throttles.blocked_until, excluded.blocked_until)`,
          expires_at: sql<Date>`greatest(throttles.expires_at, excluded.blocked_until)`,
        }),
      )
      .execute();
  }

  /** Deletes the counter of `scope`/`key`. */
  async clear(scope: string, key: string): Promise<void> {
    await this.db.deleteFrom('throttles').where('scope', '=', scope).where('key', '=', key).execute();
  }

  /** Deletes up to `limit` expired counters, oldest first, in one statement. */
  async purgeExpired(now: Date, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('throttles')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('scope', 'key'),
          'in',
          selectFrom('throttles')
            .select(['scope', 'key'])
            .where('expires_at', '<=', now)
            .orderBy('expires_at')
            .limit(limit)
            .$asTuple('scope', 'key'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
