import { describePortContract } from '@authsvc/testing';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresAdapters, readOutbox } from '../src/index.js';
import { createTestDatabase, type TestDatabase, truncateTables } from '../src/testing/index.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describePortContract('kysely on postgresql', async () => {
  await truncateTables(database.db);
  const adapters = createPostgresAdapters(database.db);
  return {
    users: adapters.users,
    tokens: adapters.tokens,
    unitOfWork: adapters.unitOfWork,
    outboxEvents: async () => (await readOutbox(database.db)).map((entry) => entry.event),
  };
});
