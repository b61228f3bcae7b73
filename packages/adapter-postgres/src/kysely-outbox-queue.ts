import { toDomainEvent } from '@authsvc/contracts';
import type { DomainEvent, OutboxBatchOutcome, OutboxQueue } from '@authsvc/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';

/**
 * Key of the transaction-level advisory lock that makes one relay at a time the publisher: an
 * arbitrary constant that nothing else in the database uses, within a JS number's exact range.
 */
export const OUTBOX_RELAY_LOCK_KEY = 7_243_618_912_335_101;

/**
 * `OutboxQueue` over the `outbox` table. Each batch is one transaction that takes the relay lock
 * (`pg_try_advisory_xact_lock`), locks the oldest rows (`FOR UPDATE SKIP LOCKED`), delivers them
 * and deletes them, then commits.
 *
 * Why a lock as well as SKIP LOCKED: with SKIP LOCKED alone, two relays take disjoint batches and
 * the second may publish a user's later event before the first publishes the earlier one. The
 * lock makes the relays take turns, batch by batch, so the next batch always starts after the
 * previous one committed; a relay that does not get it stands by until its next poll. Being
 * transaction-scoped, the lock is released by commit, rollback, or the death of the session, so a
 * crashed relay never blocks the others, and no dedicated connection is held.
 */
export class KyselyOutboxQueue implements OutboxQueue {
  /** Opens its transactions on `db`, which must not itself be a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Delivers and deletes up to `limit` of the oldest events in one transaction; see the class comment. */
  async deliverOldest(limit: number, deliver: (events: readonly DomainEvent[]) => Promise<void>): Promise<OutboxBatchOutcome> {
    return this.db.transaction().execute(async (trx): Promise<OutboxBatchOutcome> => {
      const lock = await sql<{ leader: boolean }>`select pg_try_advisory_xact_lock(${OUTBOX_RELAY_LOCK_KEY}::bigint) as leader`.execute(
        trx,
      );
      if (lock.rows[0]?.leader !== true) return { kind: 'standby' };
      const rows = await trx.selectFrom('outbox').select(['seq', 'payload']).orderBy('seq').limit(limit).forUpdate().skipLocked().execute();
      if (rows.length === 0) return { kind: 'published', count: 0 };
      // A rejection here (a payload that breaks the contract, or a failed delivery) rolls the
      // transaction back, so the rows stay for the next attempt.
      await deliver(rows.map((row) => toDomainEvent(row.payload)));
      await trx
        .deleteFrom('outbox')
        .where(
          'seq',
          'in',
          rows.map((row) => row.seq),
        )
        .execute();
      return { kind: 'published', count: rows.length };
    });
  }
}
