import { describeOutboxQueueContract } from '@authsvc/testing';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresAdapters, KyselyOutboxQueue, readOutbox } from '../src/index.js';
import { createTestDatabase, type TestDatabase, truncateTables } from '../src/testing/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describeOutboxQueueContract('KyselyOutboxQueue on PostgreSQL', async () => {
  await truncateTables(database.db);
  return {
    queue: () => new KyselyOutboxQueue(database.db),
    append: (events) => createPostgresAdapters(database.db).outbox.append(events),
    remaining: async () => (await readOutbox(database.db)).map((row) => row.event),
  };
});
