import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { classifyDatabaseError, createKysely, deadlineView, type Database } from '../src/index.js';
import { emptyTestDatabase, type EmptyTestDatabase } from './test-database.js';

let database: EmptyTestDatabase;
beforeAll(async () => {
  database = await emptyTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The error a promise rejects with. */
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

/** A view of `db`'s pool under `deadline`. */
function withDeadline(db: Kysely<Database>, deadline: AbortSignal): Kysely<Database> {
  const view = deadlineView(db);
  view.deadline = deadline;
  return view.db;
}

/** Waits until no backend of `applicationName` runs on the test database, or throws after 10 s. */
async function backendsGone(applicationName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity where application_name = ${applicationName}`.execute(database.db);
    if (rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`a backend of ${applicationName} is still there after 10 s`);
}

describe('a pooled connection lost while checked out', () => {
  it('fails the query in hand as unavailable, without an unhandled error, and the pool replaces it', async () => {
    const errors: Error[] = [];
    const db = createKysely(database.url, {
      poolSize: 1,
      applicationName: 'faults-terminated',
      onPoolError: (error) => errors.push(error),
    });
    try {
      const lost = failure(
        db.transaction().execute(async (trx) => {
          await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
        }),
      );
      expect(classifyDatabaseError(await lost)).toBe('unavailable');
      expect(errors.length).toBeGreaterThan(0);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});

describe('classifyDatabaseError', () => {
  it('reads what PostgreSQL says: bad input, timeouts, bugs', async () => {
    const db = createKysely(database.url, { poolSize: 1 });
    try {
      expect(classifyDatabaseError(await failure(sql`select ${'a\u0000b'}::text`.execute(db)))).toBe('bad_input');
      expect(classifyDatabaseError(await failure(sql`select ${'x'}::int`.execute(db)))).toBe('bad_input');
      expect(classifyDatabaseError(await failure(sql`select 1 / 0`.execute(db)))).toBe('bad_input');
      const timeout = db.transaction().execute(async (trx) => {
        await sql`set local statement_timeout = 50`.execute(trx);
        await sql`select pg_sleep(5)`.execute(trx);
      });
      expect(classifyDatabaseError(await failure(timeout))).toBe('timeout');
      expect(classifyDatabaseError(await failure(sql`select * from no_such_table`.execute(db)))).toBe('bug');
      expect(classifyDatabaseError(new TypeError('x is undefined'))).toBe('bug');
      expect(classifyDatabaseError('not an error')).toBe('bug');
      expect(classifyDatabaseError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('unavailable');
    } finally {
      await db.destroy();
    }
  });
});

describe('deadlineView', () => {
  it(
    'drops the connection of a statement in flight when the deadline passes: its transaction rolls back, never commits',
    { timeout: 30_000 },
    async () => {
      const db = createKysely(database.url, { poolSize: 1, applicationName: 'faults-deadline' });
      try {
        await sql`create table deadline_probe (n int)`.execute(database.db);
        const controller = new AbortController();
        const work = withDeadline(db, controller.signal)
          .transaction()
          .execute(async (trx) => {
            await sql`insert into deadline_probe values (1)`.execute(trx);
            await sql`select pg_sleep(2)`.execute(trx);
          });
        // Abort once the sleep is running on the server.
        for (let attempt = 0; attempt < 100; attempt += 1) {
          const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where application_name = 'faults-deadline' and query like 'select pg_sleep%'`.execute(
            database.db,
          );
          if (rows[0]!.n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        controller.abort(new DOMException('deadline', 'TimeoutError'));
        expect(classifyDatabaseError(await failure(work))).toBe('unavailable');
        await backendsGone('faults-deadline');
        expect((await sql<{ n: number }>`select count(*)::int as n from deadline_probe`.execute(database.db)).rows).toEqual([{ n: 0 }]);
      } finally {
        await db.destroy();
      }
    },
  );

  it('sends no statement once the deadline has passed: the work fails with its reason and commits nothing', async () => {
    const db = createKysely(database.url, { poolSize: 1 });
    try {
      await sql`create table deadline_late (n int)`.execute(database.db);
      const controller = new AbortController();
      const reason = new DOMException('deadline', 'TimeoutError');
      const work = withDeadline(db, controller.signal)
        .transaction()
        .execute(async (trx) => {
          await sql`insert into deadline_late values (1)`.execute(trx);
          controller.abort(reason);
          // What the work does after the deadline (a COMMIT included) must not reach the server.
          await sql`insert into deadline_late values (2)`.execute(trx);
        });
      expect(await failure(work)).toBe(reason);
      expect((await sql<{ n: number }>`select count(*)::int as n from deadline_late`.execute(database.db)).rows).toEqual([{ n: 0 }]);
      // The pool still serves work without a deadline, and a view under one leaves it open when destroyed.
      await withDeadline(db, new AbortController().signal).destroy();
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('keeps the deadline work started under when the view passes to another: a later deadline does not revive it', async () => {
    const db = createKysely(database.url, { poolSize: 1 });
    try {
      await sql`create table deadline_swap (n int)`.execute(database.db);
      const view = deadlineView(db);
      const first = new AbortController();
      const reason = new DOMException('deadline', 'TimeoutError');
      // The pool's only client is busy, so the first request's work waits for it...
      let freeClient!: () => void;
      let busy!: Promise<void>;
      await new Promise<void>((held) => {
        busy = db.connection().execute(() => {
          held();
          return new Promise<void>((resolve) => (freeClient = resolve));
        });
      });
      view.deadline = first.signal;
      const work = sql`insert into deadline_swap values (1)`.execute(view.db);
      // ...while the view is handed to the next request, and then the first deadline passes.
      view.deadline = new AbortController().signal;
      first.abort(reason);
      freeClient();
      await busy;
      expect(await failure(work)).toBe(reason);
      await sql`insert into deadline_swap values (2)`.execute(view.db);
      expect((await sql<{ n: number }>`select n from deadline_swap`.execute(database.db)).rows).toEqual([{ n: 2 }]);
    } finally {
      await db.destroy();
    }
  });
});
