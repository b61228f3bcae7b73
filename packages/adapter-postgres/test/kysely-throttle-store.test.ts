import { describeThrottleStoreContract } from '@authsvc/testing';
import { afterAll, beforeAll } from 'vitest';
import { KyselyThrottleStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeThrottleStoreContract('kysely on postgresql', async () => {
  await database.db.deleteFrom('throttles').execute();
  return new KyselyThrottleStore(database.db);
});
