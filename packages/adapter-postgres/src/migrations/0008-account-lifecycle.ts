import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The account lifecycle: a public id and the client seen at login for every token (so users can
 * list and revoke them), when an email was verified, and the one-time codes emailed for password
 * resets and verification.
 */
export const accountLifecycle: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    // Existing tokens get ids too; unknown clients stay null.
    await db.schema
      .alterTable('tokens')
      .addColumn('id', 'uuid', (col) =>
        col
          .notNull()
          .unique()
          .defaultTo(sql`gen_random_uuid()`),
      )
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .execute();

    // Null until the owner follows a verification link; existing accounts are not assumed verified.
    await db.schema.alterTable('users').addColumn('email_verified_at', 'timestamptz').execute();

    await db.schema
      .createTable('account_codes')
      // A SHA-256 hex digest only, as for tokens: the clear code lives in the mail queue and the email.
      .addColumn('digest', 'char(64)', (col) => col.primaryKey().check(sql`digest ~ '^[0-9a-f]{64}$'`))
      .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose in ('password_reset', 'email_verification')`))
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'timestamptz', (col) => col.notNull())
      .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
      .execute();
    // Serves "every reset code of this user" (spent with the one used) and the cascade.
    await db.schema.createIndex('account_codes_user_id_idx').on('account_codes').columns(['user_id', 'purpose']).execute();
    // Serves the purge of expired codes.
    await db.schema.createIndex('account_codes_expires_at_idx').on('account_codes').column('expires_at').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('account_codes').execute();
    await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
    await db.schema.alterTable('tokens').dropColumn('id').dropColumn('ip').dropColumn('user_agent').execute();
  },
};
