import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { type Kysely, sql } from 'kysely';
import { createKysely, type Database } from '../src/index.js';

/** A test file's own database, not migrated, with a Kysely handle on it: for tests of the migrations and the pool themselves. */
export interface EmptyTestDatabase {
  readonly url: string;
  readonly db: Kysely<Database>;
  /** Closes `db` and drops the database. */
  drop(): Promise<void>;
}

/** A fresh database on the run's test server, with no schema yet. */
export async function emptyTestDatabase(): Promise<EmptyTestDatabase> {
  const database = await createTestDatabase();
  const db = createKysely(database.url, TEST_POOL);
  return {
    url: database.url,
    db,
    drop: async () => {
      await db.destroy();
      await database.stop();
    },
  };
}

/** Empties every table of the schema and restarts its identities, between tests of one file. */
export async function truncateTables(db: Kysely<Database>): Promise<void> {
  await sql`truncate table tokens, outbox, audit_log, mail_queue, users restart identity cascade`.execute(db);
}
