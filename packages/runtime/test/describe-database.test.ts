import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDatabase } from '../src/index.js';

describe('describeDatabase', () => {
  it("names DATABASE_URL's server without its password", () => {
    const url = 'postgres://app:s3cr%40t@db.internal:5432/authsvc?sslmode=require';
    expect(describeDatabase({ databaseUrl: url, dataDir: './.data' }, url)).toBe('postgres://app@db.internal:5432/authsvc?sslmode=require');
  });

  it('names the embedded server by its data directory, and its URL without the password', () => {
    expect(describeDatabase({ dataDir: './.data' }, 'postgres://postgres:postgres@127.0.0.1:54329/authsvc')).toBe(
      `embedded PostgreSQL in ${resolve('.data')} (postgres://postgres@127.0.0.1:54329/authsvc)`,
    );
  });

  it('says so rather than echo a URL it cannot parse, which may hold a password', () => {
    expect(describeDatabase({ databaseUrl: 'postgres://u:p@[bad', dataDir: './.data' }, 'postgres://u:p@[bad')).toBe(
      '(an unparseable DATABASE_URL)',
    );
  });
});
