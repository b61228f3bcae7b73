import type { AttemptOutcome, AttemptRule, ThrottleCounter, ThrottleKey, ThrottleStore } from '@authsvc/domain';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from './database.js';

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
    const newWindowEnd = sql<Date>`case when ${windowOpen} then throttles.window_ends_at else ${windowEndsAt}::timestamptz end`;
    const row = await this.db
      .insertInto('throttles')
      .values({ scope, key, hits: 1, window_ends_at: windowEndsAt, blocked_until: null, expires_at: windowEndsAt })
      .onConflict((oc) =>
        oc.columns(['scope', 'key']).doUpdateSet({
          hits: sql<number>`case when ${windowOpen} then throttles.hits + 1 else 1 end`,
          window_ends_at: newWindowEnd,
          expires_at: newWindowEnd,
        }),
      )
      .returning(['hits', 'window_ends_at'])
      .executeTakeFirstOrThrow();
    return { hits: row.hits, windowEndsAt: row.window_ends_at };
  }

  /**
   * One upsert whose update only happens while the key is not blocked (`DO UPDATE ... WHERE`): the
   * row lock makes concurrent attempts take turns, so each sees the count and block the one before
   * it left. No row back means refused; a second read then says until when.
   */
  async attempt(scope: string, key: string, rule: AttemptRule, now: Date): Promise<AttemptOutcome> {
    const windowEndsAt = new Date(now.getTime() + rule.windowSeconds * 1000);
    const windowOpen = sql<boolean>`throttles.window_ends_at > ${now}`;
    const attempts = sql<number>`case when ${windowOpen} then throttles.hits + 1 else 1 end`;
    const newWindowEnd = sql<Date>`case when ${windowOpen} then throttles.window_ends_at else ${windowEndsAt}::timestamptz end`;
    // The schedule is indexed from 1 in SQL; past its end the last length repeats.
    const blockAfter = (count: RawBuilder<number>) =>
      sql<Date | null>`case when ${count} >= ${rule.blockFromAttempt}::int then ${now}::timestamptz + make_interval(secs => (${rule.blockSeconds}::int[])[least(${count} - ${rule.blockFromAttempt}::int + 1, ${rule.blockSeconds.length}::int)]) end`;
    const firstBlock = blockAfter(sql<number>`1`);
    const row = await this.db
      .insertInto('throttles')
      .values({
        scope,
        key,
        hits: 1,
        window_ends_at: windowEndsAt,
        blocked_until: firstBlock,
        expires_at: sql<Date>`greatest(${windowEndsAt}::timestamptz, ${firstBlock})`,
      })
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet({
            hits: attempts,
            window_ends_at: newWindowEnd,
            blocked_until: blockAfter(attempts),
            expires_at: sql<Date>`greatest(${newWindowEnd}, ${blockAfter(attempts)})`,
          })
          .where((eb) => eb.or([eb('throttles.blocked_until', 'is', null), eb('throttles.blocked_until', '<=', now)])),
      )
      .returning('hits')
      .executeTakeFirst();
    if (row) return { admitted: true, attempts: row.hits };
    const blocked = await this.db
      .selectFrom('throttles')
      .select('blocked_until')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    // A success may have lifted the block in between: then this attempt simply tries again.
    if (!blocked?.blocked_until || blocked.blocked_until <= now) return this.attempt(scope, key, rule, now);
    return { admitted: false, blockedUntil: blocked.blocked_until };
  }

  /** Deletes `counters` in one statement. */
  async clear(counters: readonly ThrottleKey[]): Promise<void> {
    if (counters.length === 0) return;
    await this.db
      .deleteFrom('throttles')
      .where((eb) => eb.or(counters.map(({ scope, key }) => eb.and([eb('scope', '=', scope), eb('key', '=', key)]))))
      .execute();
  }

  /** Deletes up to `limit` expired counters, oldest first, in one statement. */
  async purgeExpired(now: Date, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('throttles')
      .where((eb) =>
        eb(
          eb.refTuple('scope', 'key'),
          'in',
          eb
            .selectFrom('throttles')
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
