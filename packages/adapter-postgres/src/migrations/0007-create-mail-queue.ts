import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Creates `mail_queue`, the emails use cases queue in their transaction and a mailer delivers. */
export const createMailQueue: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('mail_queue')
      // Also the message's Message-ID, so a duplicate delivery after a crash is recognisable.
      .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('recipient', 'text', (col) => col.notNull())
      // The domain's mail request, secret included: the only place the clear token is kept.
      .addColumn('payload', 'jsonb', (col) => col.notNull())
      .addColumn('status', 'text', (col) =>
        col
          .notNull()
          .defaultTo('pending')
          .check(sql`status in ('pending', 'sent', 'failed')`),
      )
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      // Claimed by a mailer until then, so two mailers never send the same message at once.
      .addColumn('locked_until', 'timestamptz')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('sent_at', 'timestamptz')
      .execute();

    // Serves the mailer's "what is due" scan, which only ever looks at pending messages.
    await db.schema
      .createIndex('mail_queue_due_idx')
      .on('mail_queue')
      .column('next_attempt_at')
      .where(sql.ref('status'), '=', 'pending')
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('mail_queue').execute();
  },
};
