import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Creates `outbox`, the queue of events a relay publishes in `seq` order. */
export const createOutbox: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('outbox')
      // The primary key is the publishing order, so the relay's
      // `SELECT ... ORDER BY seq LIMIT n FOR UPDATE SKIP LOCKED` walks the primary key index.
      .addColumn('seq', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
      // Unique: appending the same event twice is a bug, better loud than published twice.
      .addColumn('id', 'uuid', (col) => col.notNull().unique())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      // No foreign key: an event about a user must stay publishable after that user is gone.
      .addColumn('user_id', 'integer')
      .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
      .addColumn('payload', 'jsonb', (col) => col.notNull())
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('outbox').execute();
  },
};
