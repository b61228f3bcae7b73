import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Creates `tokens`, keyed by the digest of the secret, deleted with their user. */
export const createTokens: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('tokens')
      // The check refuses anything but a SHA-256 hex digest, so a clear secret (40 hex
      // characters) can never be stored by mistake.
      .addColumn('digest', 'char(64)', (col) => col.primaryKey().check(sql`digest ~ '^[0-9a-f]{64}$'`))
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'timestamptz', (col) => col.notNull())
      .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
      .execute();

    // Serves "all tokens of a user" (logout everywhere, the cascade) and "newest first" (the per-user cap).
    await db.schema.createIndex('tokens_user_id_created_at_idx').on('tokens').columns(['user_id', 'created_at']).execute();
    // Serves the expiry purge, which takes the oldest expired tokens in small batches.
    await db.schema.createIndex('tokens_expires_at_idx').on('tokens').column('expires_at').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('tokens').execute();
  },
};
