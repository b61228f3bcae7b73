import { sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely } from '../src/index.js';
import { parseInt8 } from '../src/create-kysely.js';

describe('createKysely', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.stop();
  });

  it('parses bigint to a number on its own pool only', async () => {
    const db = createKysely(database.url, { poolSize: 2 });
    try {
      const { rows } = await sql<{ n: unknown }>`select 9007199254740991::int8 as n`.execute(db);
      expect(rows[0]?.n).toBe(Number.MAX_SAFE_INTEGER);
    } finally {
      await db.destroy();
    }
    // pg's global parsers are untouched: a plain client still gets strings.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query<{ n: string }>('select 5::int8 as n')).rows[0]?.n).toBe('5');
    } finally {
      await client.end();
    }
  });

  it('refuses a bigint a JS number cannot hold exactly', () => {
    expect(parseInt8('42')).toBe(42);
    expect(() => parseInt8('9007199254740993')).toThrow(RangeError);
  });
});
