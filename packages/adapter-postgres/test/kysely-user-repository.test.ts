import type { NewUser } from '@authsvc/domain';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresAdapters, openDatabase, type OpenDatabase, type PostgresAdapters, readOutbox } from '../src/index.js';
import { truncateTables } from './test-database.js';

const newUser = (email: string): NewUser => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  email,
  passwordHash: 'hash',
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
});

/** The same address in ten spellings, as ten racing registrations might type it. */
const spellings = Array.from({ length: 10 }, (_, i) =>
  [...'race@example.com'].map((c, j) => ((i >> (j % 4)) & 1 ? c.toUpperCase() : c)).join(''),
);

describe('KyselyUserRepository on PostgreSQL', () => {
  let database: OpenDatabase;
  let adapters: PostgresAdapters;

  beforeAll(async () => {
    // A pool as large as the race, so the ten inserts really run at once.
    database = await openDatabase(await createTestDatabase(), { ...TEST_POOL, poolSize: 12 });
    adapters = createPostgresAdapters(database.db);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await truncateTables(database.db);
  });

  it('lets exactly one of ten concurrent registrations of one email win, and none throw', async () => {
    expect(new Set(spellings).size).toBe(10);
    const results = await Promise.allSettled(spellings.map((email) => adapters.users.create(newUser(email))));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const created = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    expect(created).toHaveLength(1);
    expect(await database.db.selectFrom('users').select('email').execute()).toEqual([{ email: created[0]!.email }]);
  });

  it('settles the same race inside units of work: one user, one event, no aborted transaction', async () => {
    const results = await Promise.allSettled(
      spellings.map((email, i) =>
        adapters.unitOfWork.run(async (tx) => {
          const user = await tx.users.create(newUser(email));
          if (!user) return null;
          await tx.outbox.append([
            {
              id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
              type: 'user.registered',
              version: 1,
              occurredAt: new Date(),
              userId: user.id,
              metadata: { ip: null, userAgent: null, requestId: null },
              data: { email: user.email, firstName: user.firstName, lastName: user.lastName },
            },
          ]);
          return user;
        }),
      ),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const winners = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    expect(winners).toHaveLength(1);
    const outbox = await readOutbox(database.db);
    expect(outbox.map((e) => e.event.userId)).toEqual([winners[0]!.id]);
  });

  it('keeps the transaction usable after a duplicate: the insert does not raise', async () => {
    await adapters.users.create(newUser('taken@example.com'));
    const after = await adapters.unitOfWork.run(async (tx) => {
      expect(await tx.users.create(newUser('TAKEN@example.com'))).toBeNull();
      return tx.users.create(newUser('free@example.com'));
    });
    expect(after?.email).toBe('free@example.com');
  });

  it('returns ids and owners as JS numbers, not strings', async () => {
    const user = (await adapters.users.create(newUser('numbers@example.com')))!;
    expect(typeof user.id).toBe('number');
    expect(typeof (await adapters.users.findByEmail('numbers@example.com'))!.id).toBe('number');
    const past = new Date('2020-01-01T00:00:00.000Z');
    await adapters.tokens.save({
      id: '00000000-0000-4000-8000-00000000000c',
      digest: 'c'.repeat(64),
      userId: user.id,
      createdAt: past,
      expiresAt: past,
      ip: null,
      userAgent: null,
    });
    const found = await adapters.tokens.findWithUser('c'.repeat(64));
    expect(typeof found!.token.userId).toBe('number');
    expect(typeof found!.user.id).toBe('number');
    const owners = await adapters.tokens.deleteExpired(new Date(), 10);
    expect(owners).toEqual([user.id]);
    expect(typeof owners[0]).toBe('number');
  });

  it('returns plain domain objects, no row fields', async () => {
    const user = (await adapters.users.create(newUser('shape@example.com')))!;
    expect(Object.keys(user).sort()).toEqual([
      'createdAt',
      'email',
      'emailVerified',
      'firstName',
      'id',
      'isActive',
      'lastName',
      'passwordHash',
    ]);
    expect(user.createdAt).toBeInstanceOf(Date);
  });
});
