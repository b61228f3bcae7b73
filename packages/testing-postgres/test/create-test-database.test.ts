import { withAdminClient } from '@authsvc/postgres-embedded';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, testServerUrl } from '../src/index.js';

/** True when the run's test server has a database of this name. */
const exists = (name: string): Promise<boolean> =>
  withAdminClient(
    testServerUrl(),
    async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rows.length === 1,
  );

describe('createTestDatabase', () => {
  it("gives each caller an empty database of its own on the run's server, which stop() drops", async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).toMatch(/^t_[0-9a-f]{16}$/);
      expect(b.name).not.toBe(a.name);
      expect(new URL(a.url).pathname).toBe(`/${a.name}`);
      const tables = await withAdminClient(
        a.url,
        async (client) => (await client.query("select 1 from information_schema.tables where table_schema = 'public'")).rows,
      );
      expect(tables).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await exists(a.name)).toBe(false);
    expect(await exists(b.name)).toBe(false);
  });

  it('stop() drops the database with a session still on it, and may be called twice', async () => {
    const database = await createTestDatabase();
    await withAdminClient(database.url, async (client) => {
      await Promise.all([database.stop(), database.stop()]);
      // The session was disconnected by the drop, not left to block it.
      await expect(client.query('select 1')).rejects.toThrow();
    });
    expect(await exists(database.name)).toBe(false);
  });
});
