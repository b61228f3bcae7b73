import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Creates `users`, with case-insensitive uniqueness of the email. */
export const createUsers: Migration = {
  // Migrations take `Kysely<any>`: they must keep compiling as `Database` evolves past them.
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('users')
      // `integer` rather than `bigserial`: pg parses int4 to a JS number with no type parser,
      // and two billion accounts is far beyond this service.
      .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('first_name', 'varchar(150)', (col) => col.notNull())
      .addColumn('last_name', 'varchar(150)', (col) => col.notNull())
      .addColumn('email', 'varchar(254)', (col) => col.notNull())
      .addColumn('password_hash', 'text', (col) => col.notNull())
      .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();

    // The email keeps the case it was registered with, so uniqueness and lookups go through
    // `lower(email)`; `INSERT ... ON CONFLICT ((lower(email)))` infers this very index.
    await db.schema
      .createIndex('users_email_lower_key')
      .on('users')
      .unique()
      .expression(sql`lower(email)`)
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('users').execute();
  },
};
