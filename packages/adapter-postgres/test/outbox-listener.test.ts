import type { DomainEvent } from '@authsvc/domain';
import { createTestDatabase, freePort, TEST_POOL } from '@authsvc/testing-postgres';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresAdapters, openDatabase, startOutboxListener, type OpenDatabase, type OutboxListener } from '../src/index.js';
import { truncateTables } from './test-database.js';

const metadata = { ip: null, userAgent: null, requestId: null };
let seq = 0;
const loggedIn = (): DomainEvent => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  type: 'user.logged_in',
  version: 1,
  occurredAt: new Date(),
  userId: 1,
  metadata,
  data: {},
});

/** Resolves once `predicate` holds, checking on every event-loop turn; the test's own timeout bounds it. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('startOutboxListener on PostgreSQL', () => {
  let database: OpenDatabase;
  let listener: OutboxListener | undefined;

  beforeAll(async () => {
    database = await openDatabase(await createTestDatabase(), TEST_POOL);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async () => {
    await truncateTables(database.db);
  });
  afterEach(async () => {
    await listener?.stop();
    listener = undefined;
  });

  /** A listener on the test database that counts notifications and times it started listening. */
  async function listen(applicationName: string) {
    const seen = { notifications: 0, payloads: [] as string[], listening: 0, errors: 0 };
    listener = startOutboxListener({
      databaseUrl: database.url,
      applicationName,
      initialBackoffMs: 10,
      onNotification: (payload) => {
        seen.notifications++;
        seen.payloads.push(payload);
      },
      onListening: () => seen.listening++,
      onError: () => seen.errors++,
    });
    await until(() => seen.listening === 1);
    return seen;
  }

  it('hears an append when its transaction commits, and nothing of one rolled back', async () => {
    const seen = await listen('outbox-listener-commit');
    const { unitOfWork } = createPostgresAdapters(database.db);
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.outbox.append([loggedIn()]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // Notifications reach a session in commit order: had the rollback sent one, it would come before this marker.
    await sql`select pg_notify('authsvc_outbox', 'marker')`.execute(database.db);
    await unitOfWork.run((tx) => tx.outbox.append([loggedIn(), loggedIn()]));
    await until(() => seen.notifications >= 2);
    expect(seen.payloads).toEqual(['marker', '']);
  });

  it('listens again after its connection is terminated, and hears the next append', async () => {
    const seen = await listen('outbox-listener-terminated');
    const { rows } = await sql<{ terminated: boolean }>`
      select pg_terminate_backend(pid) as terminated from pg_stat_activity where application_name = 'outbox-listener-terminated'
    `.execute(database.db);
    expect(rows).toEqual([{ terminated: true }]);
    await until(() => seen.listening === 2);
    expect(seen.errors).toBeGreaterThanOrEqual(1);
    expect(listener!.listening).toBe(true);
    await createPostgresAdapters(database.db).outbox.append([loggedIn()]);
    await until(() => seen.notifications === 1);
  });

  it('keeps retrying a database it cannot reach, reporting each failure', async () => {
    const errors: number[] = [];
    listener = startOutboxListener({
      databaseUrl: `postgres://postgres@127.0.0.1:${await freePort()}/nothing`,
      initialBackoffMs: 5,
      maxBackoffMs: 20,
      onNotification: () => expect.unreachable(),
      onError: (_error, retryInMs) => errors.push(retryInMs),
    });
    await until(() => errors.length >= 4);
    expect(errors.slice(0, 4)).toEqual([5, 10, 20, 20]);
    expect(listener.listening).toBe(false);
  });
});
