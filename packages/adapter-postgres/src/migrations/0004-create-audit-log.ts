import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Creates `audit_log`, every event once (by id), as the audit consumer received it. */
export const createAuditLog: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('audit_log')
      // Arrival order, which breaks ties between events stamped in the same millisecond.
      .addColumn('seq', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
      // Unique: a redelivered event (at-least-once delivery) is absorbed by `ON CONFLICT DO NOTHING`.
      .addColumn('event_id', 'uuid', (col) => col.notNull().unique())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      // No foreign key: the audit trail must outlive the account it describes.
      .addColumn('user_id', 'integer')
      // Copied out of the payload so failed logins for addresses with no account can be found.
      .addColumn('email', 'text')
      .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
      .addColumn('payload', 'jsonb', (col) => col.notNull())
      .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();

    // Serve `authctl audit <email>`: a user's events, and an address's, newest first.
    await db.schema.createIndex('audit_log_user_id_occurred_at_idx').on('audit_log').columns(['user_id', 'occurred_at']).execute();
    await db.schema
      .createIndex('audit_log_email_lower_occurred_at_idx')
      .on('audit_log')
      .expression(sql`lower(email), occurred_at`)
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('audit_log').execute();
  },
};
