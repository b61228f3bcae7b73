import { describeMailDeliveryQueueContract } from '@authsvc/testing';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyMailDeliveryQueue, KyselyMailQueue, openDatabase, type OpenDatabase } from '../src/index.js';
import { truncateTables } from './test-database.js';

let database: OpenDatabase;
beforeAll(async () => {
  database = await openDatabase(await createTestDatabase(), TEST_POOL);
});
afterAll(async () => {
  await database?.close();
});

describeMailDeliveryQueueContract('KyselyMailDeliveryQueue on PostgreSQL', async () => {
  await truncateTables(database.db);
  return {
    queue: (clock) => new KyselyMailDeliveryQueue(database.db, clock),
    enqueue: async (requests) => {
      for (const request of requests) await new KyselyMailQueue(database.db).enqueue(request);
    },
    stored: async () =>
      (
        await database.db
          .selectFrom('mail_queue')
          .select(['id', 'kind', 'recipient', 'status', 'attempts', 'last_error', 'payload'])
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).map(({ last_error, ...row }) => ({ ...row, lastError: last_error })),
  };
});

describe('KyselyMailDeliveryQueue', () => {
  it('fails an email whose stored payload is not a mail request, instead of handing it out or stalling on it', async () => {
    await truncateTables(database.db);
    await database.db
      .insertInto('mail_queue')
      .values({ kind: 'password_reset', recipient: 'a@example.com', payload: JSON.stringify({ kind: 'password_reset' }) })
      .execute();
    expect(await new KyselyMailDeliveryQueue(database.db).claimNext(60_000)).toBeNull();
    expect(await database.db.selectFrom('mail_queue').select(['status', 'attempts', 'last_error', 'payload']).execute()).toEqual([
      { status: 'failed', attempts: 1, last_error: 'unreadable payload', payload: {} },
    ]);
  });
});
