import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { describe, expect, it } from 'vitest';
import { MigrationFailedError, openDatabase, type DatabaseServer } from '../src/index.js';

/** `server` with a record of when its `stop()` was called. */
function watched(server: DatabaseServer): DatabaseServer & { stops: number } {
  const watchedServer = {
    url: server.url,
    stops: 0,
    stop: async () => {
      watchedServer.stops += 1;
      await server.stop();
    },
  };
  return watchedServer;
}

describe('openDatabase', () => {
  it("opens the server's database migrated, and close() lets go of the pool, then of the server", async () => {
    const server = watched(await createTestDatabase());
    const database = await openDatabase(server, TEST_POOL);
    try {
      expect(database.url).toBe(server.url);
      expect(await database.db.selectFrom('users').select('id').execute()).toEqual([]);
    } finally {
      await database.close();
    }
    expect(server.stops).toBe(1);
    // The pool is gone: the server's stop() could drop the database under it.
    await expect(database.db.selectFrom('users').select('id').execute()).rejects.toThrow();
  });

  it('lets go of the server when the migrations fail', async () => {
    const created = await createTestDatabase();
    const server = watched({ url: created.url.replace(/\/t_[0-9a-f]+$/, '/no_such_database'), stop: () => created.stop() });
    await expect(openDatabase(server, TEST_POOL)).rejects.toBeInstanceOf(MigrationFailedError);
    expect(server.stops).toBe(1);
  });
});
