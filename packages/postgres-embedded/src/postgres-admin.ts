import pg from 'pg';

/** The slice of a pg client the administrative helpers use. */
export interface AdminClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  escapeIdentifier(name: string): string;
  escapeLiteral(value: string): string;
}

/**
 * SQLSTATEs of `CREATE DATABASE` for a name already taken: 42P04 when it was there before, 23505
 * (on `pg_database`'s unique index) when another session created it at the same moment.
 */
const DATABASE_EXISTS = new Set(['42P04', '23505']);

/** `url` with its database name replaced by `database`. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Runs `work` on one short-lived connection to `url`, closing it whatever happens. */
export async function withAdminClient<T>(url: string, work: (client: AdminClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'authsvc-admin' });
  // Without a listener, a connection dropped by the server would crash the process.
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates the database `name` on the server `serverUrl` points to, unless it exists. Connects to
 * the database named in `serverUrl`, which must exist (`postgres` always does). Returns true
 * when it created it.
 */
export async function ensureDatabase(serverUrl: string, name: string): Promise<boolean> {
  return withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rows.length > 0) return false;
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      // Another process created it between our check and our create: just as good.
      if (DATABASE_EXISTS.has((error as { code?: string }).code ?? '')) return false;
      throw error;
    }
  });
}

/** Drops the database `name`, disconnecting its sessions first (PostgreSQL 13 and later). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdminClient(serverUrl, async (client) => {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  });
}

/**
 * Waits until the server at `url` accepts a connection and a query, retrying while it refuses
 * connections or reports that it is starting up. Throws the last error after `timeoutMs`.
 */
export async function waitForPostgres(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withAdminClient(url, (client) => client.query('select 1'));
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 57P03: "the database system is starting up"; the others: nothing listening yet.
      const transient = code === '57P03' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
      if (!transient || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
