import type { DomainEvent } from '@authsvc/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresAdapters, KyselyOutboxQueue, readOutbox } from '../src/index.js';
import { createTestDatabase, type TestDatabase, truncateTables } from '../src/testing/index.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const loggedIn = (n: number): DomainEvent => ({
  id: uuid(n),
  type: 'user.logged_in',
  version: 1,
  occurredAt: new Date('2026-01-01T00:00:00.000Z'),
  userId: n % 3 === 0 ? null : n,
  metadata: { ip: null, userAgent: null, requestId: null },
  data: {},
});

describe('KyselyOutboxQueue on PostgreSQL', () => {
  let database: TestDatabase;
  let queue: KyselyOutboxQueue;

  beforeAll(async () => {
    database = await createTestDatabase();
    queue = new KyselyOutboxQueue(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await truncateTables(database.db);
    await createPostgresAdapters(database.db).outbox.append([1, 2, 3, 4, 5].map(loggedIn));
  });

  it('delivers the oldest events in order and deletes them only after delivery', async () => {
    const delivered: string[][] = [];
    expect(await queue.deliverOldest(3, async (events) => void delivered.push(events.map((e) => e.id)))).toEqual({
      kind: 'published',
      count: 3,
    });
    expect(await queue.deliverOldest(3, async (events) => void delivered.push(events.map((e) => e.id)))).toEqual({
      kind: 'published',
      count: 2,
    });
    expect(await queue.deliverOldest(3, async () => expect.fail('nothing left to deliver'))).toEqual({ kind: 'published', count: 0 });
    expect(delivered).toEqual([[uuid(1), uuid(2), uuid(3)], [uuid(4), uuid(5)]]);
    expect(await readOutbox(database.db)).toEqual([]);
  });

  it('keeps a batch whose delivery failed, to deliver it again', async () => {
    await expect(queue.deliverOldest(2, async () => Promise.reject(new Error('broker down')))).rejects.toThrow('broker down');
    expect((await readOutbox(database.db)).map((e) => e.event)).toEqual([1, 2, 3, 4, 5].map(loggedIn));
    const again: DomainEvent[] = [];
    await queue.deliverOldest(2, async (events) => void again.push(...events));
    expect(again).toEqual([loggedIn(1), loggedIn(2)]);
  });

  it('lets one relay deliver at a time: another stands by and touches nothing', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = queue.deliverOldest(2, async () => {
      entered();
      await held;
    });
    await inside;
    const other = new KyselyOutboxQueue(database.db);
    expect(await other.deliverOldest(2, async () => expect.fail('a standby relay must not deliver'))).toEqual({ kind: 'standby' });
    release();
    expect(await first).toEqual({ kind: 'published', count: 2 });
    // The lock went with the transaction: the other relay now takes the next batch, in order.
    const next: string[] = [];
    expect(await other.deliverOldest(5, async (events) => void next.push(...events.map((e) => e.id)))).toEqual({
      kind: 'published',
      count: 3,
    });
    expect(next).toEqual([uuid(3), uuid(4), uuid(5)]);
  });
});
