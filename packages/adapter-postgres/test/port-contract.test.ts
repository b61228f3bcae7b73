import type { MailRequest } from '@authsvc/domain';
import { describePortContract } from '@authsvc/testing';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresAdapters, openDatabase, type OpenDatabase, readOutbox } from '../src/index.js';
import { truncateTables } from './test-database.js';

let database: OpenDatabase;

beforeAll(async () => {
  database = await openDatabase(await createTestDatabase(), TEST_POOL);
});

afterAll(async () => {
  await database?.close();
});

describePortContract('kysely on postgresql', async () => {
  await truncateTables(database.db);
  const adapters = createPostgresAdapters(database.db);
  return {
    users: adapters.users,
    tokens: adapters.tokens,
    codes: adapters.codes,
    unitOfWork: adapters.unitOfWork,
    outboxEvents: async () => (await readOutbox(database.db)).map((entry) => entry.event),
    queuedMail: async () => {
      const rows = await database.db.selectFrom('mail_queue').select('payload').orderBy('created_at').execute();
      return rows.map((row) => row.payload as MailRequest);
    },
  };
});
