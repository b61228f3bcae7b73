import { describeThrottleStoreContract } from '@authsvc/testing';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll } from 'vitest';
import { KyselyThrottleStore, openDatabase, type OpenDatabase } from '../src/index.js';

let database: OpenDatabase;

beforeAll(async () => {
  database = await openDatabase(await createTestDatabase(), TEST_POOL);
});

afterAll(async () => {
  await database?.close();
});

describeThrottleStoreContract('kysely on postgresql', async () => {
  await database.db.deleteFrom('throttles').execute();
  return new KyselyThrottleStore(database.db);
});
