import type { DomainEvent } from '@authsvc/domain';
import { sql } from 'kysely';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresAdapters, openDatabase, type OpenDatabase, type PostgresAdapters, readOutbox } from '../src/index.js';
import { truncateTables } from './test-database.js';

const metadata = { ip: '203.0.113.9', userAgent: 'curl/8', requestId: 'req-1' };
const occurredAt = new Date('2026-03-04T05:06:07.089Z');
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** One event of every type the domain emits. */
const everyType: DomainEvent[] = [
  {
    id: uuid(1),
    type: 'user.registered',
    version: 1,
    occurredAt,
    userId: 7,
    metadata,
    data: { email: 'Ada@Example.com', firstName: 'Ada', lastName: 'Lovelace' },
  },
  { id: uuid(2), type: 'user.logged_in', version: 1, occurredAt, userId: 7, metadata, data: {} },
  {
    id: uuid(3),
    type: 'user.login_failed',
    version: 1,
    occurredAt,
    userId: null,
    metadata: { ip: null, userAgent: null, requestId: null },
    data: { email: 'x@example.com', reason: 'bad_credentials' },
  },
  { id: uuid(4), type: 'user.logged_out', version: 1, occurredAt, userId: 7, metadata, data: { allTokens: true, revoked: 3 } },
  { id: uuid(5), type: 'token.expired', version: 1, occurredAt, userId: 7, metadata, data: { expiredAt: '2026-03-01T00:00:00.000Z' } },
  { id: uuid(6), type: 'tokens.purged', version: 1, occurredAt, userId: 7, metadata, data: { count: 2 } },
];

describe('KyselyOutbox on PostgreSQL', () => {
  let database: OpenDatabase;
  let adapters: PostgresAdapters;

  beforeAll(async () => {
    database = await openDatabase(await createTestDatabase(), TEST_POOL);
    adapters = createPostgresAdapters(database.db);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(async () => {
    await truncateTables(database.db);
  });

  it('round-trips every event type to an equal DomainEvent, in order', async () => {
    await adapters.outbox.append(everyType.slice(0, 3));
    await adapters.unitOfWork.run((tx) => tx.outbox.append(everyType.slice(3)));
    const entries = await readOutbox(database.db);
    expect(entries.map((e) => e.event)).toEqual(everyType);
    const seqs = entries.map((e) => e.seq);
    expect(seqs.every((s) => typeof s === 'number')).toBe(true);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('stores the whole envelope as JSON beside the columns a relay filters on', async () => {
    await adapters.outbox.append([everyType[0]!]);
    const row = await database.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ id: uuid(1), type: 'user.registered', version: 1, user_id: 7, occurred_at: occurredAt });
    expect(row.payload).toEqual({ ...everyType[0], occurredAt: '2026-03-04T05:06:07.089Z' });
  });

  it('refuses, on read-back, a stored payload that breaks the event contract, naming the field', async () => {
    await adapters.outbox.append([everyType[3]!]);
    // A row changed behind the adapter's back (a manual fix, a bad migration) must not reach the relay as an event.
    await sql`update outbox set payload = jsonb_set(payload, '{data,revoked}', '"three"')`.execute(database.db);
    await expect(readOutbox(database.db)).rejects.toThrow(/invalid event: data\.revoked/);
  });

  it('refuses the same event id twice', async () => {
    await adapters.outbox.append([everyType[1]!]);
    await expect(adapters.outbox.append([everyType[1]!])).rejects.toThrow(/duplicate key/);
  });

  it('suits a relay: concurrent batches locked with SKIP LOCKED are disjoint and in seq order', async () => {
    await adapters.outbox.append(everyType);
    const claim = (trx: typeof database.db) =>
      trx.selectFrom('outbox').select(['seq', 'id']).orderBy('seq').limit(3).forUpdate().skipLocked().execute();
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstClaimed!: (rows: { seq: number; id: string }[]) => void;
    const firstBatch = new Promise<{ seq: number; id: string }[]>((resolve) => (firstClaimed = resolve));

    const first = database.db.transaction().execute(async (trx) => {
      firstClaimed(await claim(trx));
      await firstHolds;
    });
    const a = await firstBatch;
    const b = await database.db.transaction().execute(claim);
    releaseFirst();
    await first;

    expect(a.map((r) => r.id)).toEqual([uuid(1), uuid(2), uuid(3)]);
    expect(b.map((r) => r.id)).toEqual([uuid(4), uuid(5), uuid(6)]);
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select seq from outbox order by seq limit 3 for update skip locked`.execute(
      database.db,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/outbox_pkey|Seq Scan/);
  });
});
