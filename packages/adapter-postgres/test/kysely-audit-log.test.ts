import { describeAuditLogContract } from '@authsvc/testing';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll } from 'vitest';
import { KyselyAuditLog, openDatabase, type OpenDatabase } from '../src/index.js';
import { truncateTables } from './test-database.js';

let database: OpenDatabase;
beforeAll(async () => {
  database = await openDatabase(await createTestDatabase(), TEST_POOL);
});
afterAll(async () => {
  await database?.close();
});

describeAuditLogContract('KyselyAuditLog on PostgreSQL', async () => {
  await truncateTables(database.db);
  return new KyselyAuditLog(database.db);
});
