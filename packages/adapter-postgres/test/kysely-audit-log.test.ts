import { describeAuditLogContract } from '@authsvc/testing';
import { afterAll, beforeAll } from 'vitest';
import { KyselyAuditLog } from '../src/index.js';
import { createTestDatabase, type TestDatabase, truncateTables } from '../src/testing/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describeAuditLogContract('KyselyAuditLog on PostgreSQL', async () => {
  await truncateTables(database.db);
  return new KyselyAuditLog(database.db);
});
