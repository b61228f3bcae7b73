import { randomBytes } from 'node:crypto';
import { dropDatabase, withAdminClient, withDatabaseName } from '@authsvc/postgres-embedded';
import { inject } from 'vitest';
import { SERVER_URL_KEY } from './provided-context.js';

/**
 * A database of its own for one test file, on the run's test server. It has the shape of
 * adapter-postgres' `DatabaseServer`, so `openDatabase(await createTestDatabase(), ...)` gives a
 * migrated Kysely handle whose `close()` also drops the database.
 */
export interface TestDatabase {
  /** The database's name, `t_` and random hex. */
  readonly name: string;
  /** Its connection URL, for code under test that opens its own pool. */
  readonly url: string;
  /** Drops the database, disconnecting any session left on it; safe to call twice. */
  stop(): Promise<void>;
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
      'No PostgreSQL for tests: add packages/testing-postgres/src/global-setup.ts to the Vitest globalSetup (see its README), or set DATABASE_URL',
    );
  }
  return url;
}

/**
 * Creates a fresh, empty, uniquely named database on the test server. Each test file takes its
 * own, so files run in parallel without seeing each other's rows, and the server's own database
 * (`DATABASE_URL`'s) is never written to.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `t_${randomBytes(8).toString('hex')}`;
  await withAdminClient(serverUrl, async (client) => {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  });
  let dropped: Promise<void> | undefined;
  return { name, url: withDatabaseName(serverUrl, name), stop: () => (dropped ??= dropDatabase(serverUrl, name)) };
}

/** Pool settings for a test's own connections to its database (adapter-postgres' `createKysely` and `openDatabase` take them). */
export const TEST_POOL = { poolSize: 10, applicationName: 'authsvc-test' } as const;
