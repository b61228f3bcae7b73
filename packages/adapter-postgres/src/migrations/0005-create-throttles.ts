import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Creates `throttles`, the request counters every API instance shares. */
export const createThrottles: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('throttles')
      // `login:client`, `registration:client`, `login:account`: what is counted.
      .addColumn('scope', 'text', (col) => col.notNull())
      // A client address or an account's email key.
      .addColumn('key', 'text', (col) => col.notNull())
      .addColumn('hits', 'integer', (col) => col.notNull())
      .addColumn('window_ends_at', 'timestamptz', (col) => col.notNull())
      .addColumn('blocked_until', 'timestamptz')
      // The later of the window's end and the block's: past it the row says nothing.
      .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
      // The upsert's conflict target: one counter per scope and key.
      .addPrimaryKeyConstraint('throttles_pkey', ['scope', 'key'])
      .execute();

    // Serves the purge of counters that no longer matter.
    await db.schema.createIndex('throttles_expires_at_idx').on('throttles').column('expires_at').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('throttles').execute();
  },
};
