import { encodeEvent, toDomainEvent } from '@authsvc/contracts';
import type { DomainEvent, Outbox } from '@authsvc/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { OUTBOX_CHANNEL } from './outbox-listener.js';

/** `Outbox` over the `outbox` table; bound to a `Transaction`, its rows commit with the change they describe. */
export class KyselyOutbox implements Outbox {
  /** Binds the outbox to a database handle or to a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Appends the events and notifies {@link OUTBOX_CHANNEL} in one statement; `seq` follows the
   * order given. The notification leaves at commit (none on rollback), so a listening relay
   * wakes when the events are there to read, not a poll interval later.
   */
  async append(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    // A data-modifying WITH runs to completion whether or not the outer query reads it.
    // PostgreSQL assigns identity values to a multi-row VALUES list in list order.
    await this.db
      .with('appended', (db) =>
        db
          .insertInto('outbox')
          .values(
            events.map((event) => ({
              id: event.id,
              type: event.type,
              version: event.version,
              user_id: event.userId,
              occurred_at: event.occurredAt,
              payload: JSON.stringify(encodeEvent(event)),
            })),
          )
          .returning('seq'),
      )
      .selectNoFrom(sql<string>`pg_notify(${sql.lit(OUTBOX_CHANNEL)}, '')`.as('notified'))
      .execute();
  }
}

/** An outbox row as a relay or a test reads it: its place in the publishing order and its event. */
export interface OutboxEntry {
  readonly seq: number;
  readonly event: DomainEvent;
}

/**
 * Events still in the outbox, oldest first, without locking them: for tests and diagnostics.
 * A payload that breaks the event contract rejects with `InvalidEventError`.
 * A relay should instead lock its batch with `FOR UPDATE SKIP LOCKED` in the transaction that deletes it.
 */
export async function readOutbox(db: Kysely<Database>, limit = 1000): Promise<OutboxEntry[]> {
  const rows = await db.selectFrom('outbox').select(['seq', 'payload']).orderBy('seq').limit(limit).execute();
  return rows.map((row) => ({ seq: row.seq, event: toDomainEvent(row.payload) }));
}
