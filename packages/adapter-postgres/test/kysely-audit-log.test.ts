import type { DomainEvent } from '@authsvc/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KyselyAuditLog } from '../src/index.js';
import { createTestDatabase, type TestDatabase, truncateTables } from '../src/testing/index.js';

const metadata = { ip: '203.0.113.9', userAgent: 'curl/8', requestId: 'req-1' };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

const registered = (n: number, userId: number, email: string): DomainEvent => ({
  id: uuid(n), type: 'user.registered', version: 1, occurredAt: at(n), userId, metadata, data: { email, firstName: 'Ada', lastName: 'L' },
});
const loggedIn = (n: number, userId: number, occurredAt = at(n)): DomainEvent => ({
  id: uuid(n), type: 'user.logged_in', version: 1, occurredAt, userId, metadata, data: {},
});
const failed = (n: number, userId: number | null, email: string): DomainEvent => ({
  id: uuid(n), type: 'user.login_failed', version: 1, occurredAt: at(n), userId, metadata, data: { email, reason: 'bad_credentials' },
});

describe('KyselyAuditLog on PostgreSQL', () => {
  let database: TestDatabase;
  let audit: KyselyAuditLog;

  beforeAll(async () => {
    database = await createTestDatabase();
    audit = new KyselyAuditLog(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await truncateTables(database.db);
  });

  it('stores an event once, however often it is delivered', async () => {
    const event = loggedIn(1, 7);
    expect(await audit.append(event)).toBe(true);
    expect(await audit.append(event)).toBe(false);
    expect(await Promise.all([audit.append(loggedIn(2, 7)), audit.append(loggedIn(2, 7))])).toEqual(
      expect.arrayContaining([true, false]),
    );
    const count = await database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(2);
    expect(await audit.listFor({ userId: 7, email: 'x@example.com' }, 10)).toEqual([event, loggedIn(2, 7)]);
  });

  it("lists a user's events and the failed logins with their email, oldest first, the newest N", async () => {
    const events = [
      failed(1, null, 'ADA@example.com'),
      registered(2, 1, 'ada@example.com'),
      loggedIn(3, 1),
      failed(4, 1, 'ada@example.com'),
      loggedIn(5, 2),
      failed(6, null, 'bob@example.com'),
    ];
    // Delivered out of order: the listing follows occurredAt, not arrival.
    for (const event of [...events].reverse()) await audit.append(event);
    expect(await audit.listFor({ userId: 1, email: 'Ada@Example.com' }, 100)).toEqual(events.slice(0, 4));
    expect(await audit.listFor({ userId: 1, email: 'ada@example.com' }, 2)).toEqual(events.slice(2, 4));
    expect(await audit.listFor({ userId: null, email: 'bob@example.com' }, 100)).toEqual([events[5]]);
    expect(await audit.listFor({ userId: null, email: 'nobody@example.com' }, 100)).toEqual([]);
  });

  it('orders events of the same millisecond by arrival', async () => {
    const same = at(9);
    const first = loggedIn(1, 3, same);
    const second = loggedIn(2, 3, same);
    await audit.append(first);
    await audit.append(second);
    expect((await audit.listFor({ userId: 3, email: '-' }, 10)).map((e) => e.id)).toEqual([first.id, second.id]);
  });
});
