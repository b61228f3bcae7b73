import { normalizeEmail } from '@authsvc/domain';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

const BATCH = 1_000;

/** Rewrites `column` of `table` as `normalize(source)` for every row, a batch at a time, keyed by `key`. */
async function backfill(db: Kysely<any>, table: string, key: string, source: string, column: string): Promise<void> {
  for (let after: string | number = -1; ;) {
    const rows = await db
      .selectFrom(table)
      .select([sql<string | number>`${sql.ref(key)}`.as('k'), sql<string | null>`${sql.ref(source)}`.as('v')])
      .where(sql.ref(key), '>', after)
      .orderBy(sql.ref(key))
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    const values = sql.join(rows.map((row) => sql`(${row.k}, ${row.v === null ? null : normalizeEmail(row.v)})`));
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = v.n
      from (values ${values}) as v(k, n) where ${sql.ref(`${table}.${key}`)} = v.k::${sql.raw(key === 'seq' ? 'bigint' : 'integer')}`.execute(
      db,
    );
    after = rows[rows.length - 1]!.k;
  }
}

/**
 * Compares emails by the domain's `normalizeEmail` (trim, NFC, JavaScript's lower-casing) instead
 * of PostgreSQL's `lower()`, whose rules differ (`İ`, say): every lookup, uniqueness check and
 * throttle key then agrees on what "the same email" is. The email as typed is kept for display.
 */
export const normalizeEmails: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('users').addColumn('email_normalized', 'text').execute();
    await backfill(db, 'users', 'id', 'email', 'email_normalized');
    const clashes = await db
      .selectFrom('users')
      .select(['email_normalized', sql<string>`string_agg(id::text, ', ' order by id)`.as('ids')])
      .groupBy('email_normalized')
      .having(sql`count(*)`, '>', 1)
      .execute();
    if (clashes.length > 0) {
      // Two accounts that are one address under the new rule: an operator must choose, not the migration.
      const list = clashes.map((c) => `${String(c.email_normalized)} (ids ${String(c.ids)})`).join('; ');
      throw new Error(`accounts share one normalised email; merge or rename them, then migrate again: ${list}`);
    }
    await db.schema
      .alterTable('users')
      .alterColumn('email_normalized', (col) => col.setNotNull())
      .execute();
    // `INSERT ... ON CONFLICT (email_normalized)` infers this index.
    await db.schema.createIndex('users_email_normalized_key').on('users').column('email_normalized').unique().execute();
    await db.schema.dropIndex('users_email_lower_key').execute();

    // The audit log's email column only serves lookups, so it holds the normalised form.
    await backfill(db, 'audit_log', 'seq', 'email', 'email');
    await db.schema.dropIndex('audit_log_email_lower_occurred_at_idx').execute();
    await db.schema.createIndex('audit_log_email_occurred_at_idx').on('audit_log').columns(['email', 'occurred_at']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('audit_log_email_occurred_at_idx').execute();
    await db.schema
      .createIndex('audit_log_email_lower_occurred_at_idx')
      .on('audit_log')
      .expression(sql`lower(email), occurred_at`)
      .execute();
    await db.schema
      .createIndex('users_email_lower_key')
      .on('users')
      .unique()
      .expression(sql`lower(email)`)
      .execute();
    await db.schema.alterTable('users').dropColumn('email_normalized').execute();
  },
};
