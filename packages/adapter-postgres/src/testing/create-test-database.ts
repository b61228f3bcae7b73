import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { createKysely } from '../create-kysely.js';
import type { Database } from '../database.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import { dropDatabase, withAdminClient, withDatabaseName } from '../postgres-admin.js';
import { SERVER_URL_KEY } from './provided-context.js';

/** A database of its own for one test file, on the run's test server. */
export interface TestDatabase {
  /** The database's name, `t_` and random hex. */
  readonly name: string;
  /** Its connection URL, for code under test that opens its own pool. */
  readonly url: string;
  /** A Kysely handle on it (a small pool), destroyed by `drop()`. */
  readonly db: Kysely<Database>;
  /** Closes `db` and drops the database, disconnecting any session left on it. */
  drop(): Promise<void>;
}

/** Options of {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** Apply the migrations (default true); false to test the migrations themselves. */
  readonly migrate?: boolean;
  /** Connections of `db`'s pool (default 10). */
  readonly poolSize?: number;
}

/**
 * URL of the run's test server: what the global setup provides, else `DATABASE_URL`. Throws when
 * neither is there, naming the fix.
 */
export function testServerUrl(): string {
  let provided: string | undefined;
  try {
    provided = inject(SERVER_URL_KEY);
  } catch {
    // Not inside a Vitest worker: fall back to the environment.
  }
  const url = provided ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'No PostgreSQL for tests: add packages/adapter-postgres/src/testing/global-setup.ts to the Vitest globalSetup (see its README), or set DATABASE_URL',
    );
  }
  return url;
}

/**
 * Creates a fresh, uniquely named database on the test server and (by default) migrates it. Each
 * test file takes its own, so files run in parallel without seeing each other's rows, and the
 * server's own database (`DATABASE_URL`'s) is never written to.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `t_${randomBytes(8).toString('hex')}`;
  await withAdminClient(serverUrl, async (client) => {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  });
  const url = withDatabaseName(serverUrl, name);
  const db = createKysely(url, { poolSize: options.poolSize ?? 10, applicationName: 'authsvc-test' });
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= (async () => {
      await db.destroy();
      await dropDatabase(serverUrl, name);
    })());
  try {
    if (options.migrate ?? true) await migrateToLatest(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, db, drop };
}

/** Empties every table of the schema and restarts its identities, between tests of one file. */
export async function truncateTables(db: Kysely<Database>): Promise<void> {
  await sql`truncate table tokens, outbox, audit_log, users restart identity cascade`.execute(db);
}
