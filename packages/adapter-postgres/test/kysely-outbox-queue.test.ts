import { describeOutboxQueueContract } from '@authsvc/testing';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresAdapters, KyselyOutboxQueue, openDatabase, type OpenDatabase, readOutbox } from '../src/index.js';
import { truncateTables } from './test-database.js';

let database: OpenDatabase;
beforeAll(async () => {
  database = await openDatabase(await createTestDatabase(), TEST_POOL);
});
afterAll(async () => {
  await database?.close();
});

describeOutboxQueueContract('KyselyOutboxQueue on PostgreSQL', async () => {
  await truncateTables(database.db);
  return {
    queue: () => new KyselyOutboxQueue(database.db),
    append: (events) => createPostgresAdapters(database.db).outbox.append(events),
    remaining: async () => (await readOutbox(database.db)).map((row) => row.event),
  };
});
