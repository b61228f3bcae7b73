import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createMigrator, migrateToLatest, MigrationFailedError } from '../src/index.js';
import { emptyTestDatabase, type EmptyTestDatabase } from './test-database.js';

const ALL = [
  '0001_create_users',
  '0002_create_tokens',
  '0003_create_outbox',
  '0004_create_audit_log',
  '0005_create_throttles',
  '0006_normalize_emails',
  '0007_create_mail_queue',
];

describe('migrateToLatest', () => {
  let database: EmptyTestDatabase;

  beforeAll(async () => {
    database = await emptyTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('applies every migration once, then nothing: it is idempotent', async () => {
    expect(await migrateToLatest(database.db)).toEqual(ALL);
    expect(await migrateToLatest(database.db)).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(database.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'audit_log',
      'kysely_migration',
      'kysely_migration_lock',
      'mail_queue',
      'outbox',
      'throttles',
      'tokens',
      'users',
    ]);
  });

  it('is safe when several processes migrate at once', async () => {
    await createMigrator(database.db).migrateTo(ALL[0]!);
    const others = [createKysely(database.url, { poolSize: 1 }), createKysely(database.url, { poolSize: 1 })];
    try {
      const applied = await Promise.all([database.db, ...others].map((db) => migrateToLatest(db)));
      expect(applied.flat().sort()).toEqual(ALL.slice(1));
    } finally {
      await Promise.all(others.map((db) => db.destroy()));
    }
  });

  it('migrates down and up again', async () => {
    const down = await createMigrator(database.db).migrateTo((await import('kysely/migration')).NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(await migrateToLatest(database.db)).toEqual(ALL);
  });

  it('reports a failure clearly, naming what failed', async () => {
    const broken = createKysely(database.url.replace(/\/t_[0-9a-f]+$/, '/no_such_database'), { poolSize: 1 });
    try {
      const failure = await migrateToLatest(broken).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationFailedError);
      expect((failure as MigrationFailedError).message).toMatch(/database migration .* failed: .*no_such_database/);
    } finally {
      await broken.destroy();
    }
  });

  it('creates the schema the adapters rely on', async () => {
    const columns = await sql<{ table_name: string; column_name: string; data_type: string; is_identity: string }>`
      select table_name, column_name, data_type, is_identity from information_schema.columns
      where table_schema = 'public' and table_name in ('users', 'tokens', 'outbox')`.execute(database.db);
    const column = (table: string, name: string) => columns.rows.find((c) => c.table_name === table && c.column_name === name);
    expect(column('users', 'id')).toMatchObject({ data_type: 'integer', is_identity: 'YES' });
    expect(column('users', 'email')).toMatchObject({ data_type: 'character varying' });
    expect(column('tokens', 'digest')).toMatchObject({ data_type: 'character' });
    expect(column('outbox', 'seq')).toMatchObject({ data_type: 'bigint', is_identity: 'YES' });
    expect(column('outbox', 'payload')).toMatchObject({ data_type: 'jsonb' });

    const indexes = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where schemaname = 'public'`.execute(database.db);
    const definition = (name: string) => indexes.rows.find((i) => i.indexname === name)?.indexdef;
    expect(definition('users_email_normalized_key')).toMatch(/UNIQUE INDEX .* \(email_normalized\)/);
    expect(definition('users_email_lower_key')).toBeUndefined();
    expect(definition('tokens_user_id_created_at_idx')).toMatch(/\(user_id, created_at\)/);
    expect(definition('tokens_expires_at_idx')).toMatch(/\(expires_at\)/);
  });

  it('refuses to store anything but a SHA-256 hex digest as a token key', async () => {
    const db = database.db;
    const user = await db
      .insertInto('users')
      .values({
        first_name: 'A',
        last_name: 'B',
        email: 'digest@example.com',
        email_normalized: 'digest@example.com',
        password_hash: 'h',
        created_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = (digest: string) => ({ digest, user_id: user.id, created_at: new Date(), expires_at: new Date() });
    // A clear 40-hex secret, and an uppercase digest, are both refused.
    await expect(
      db
        .insertInto('tokens')
        .values(token('a'.repeat(40)))
        .execute(),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db
        .insertInto('tokens')
        .values(token('A'.repeat(64)))
        .execute(),
    ).rejects.toThrow(/check constraint/);
    await db
      .insertInto('tokens')
      .values(token('f'.repeat(64)))
      .execute();
    // Deleting the user takes its tokens with it.
    await db.deleteFrom('users').where('id', '=', user.id).execute();
    expect(await db.selectFrom('tokens').selectAll().execute()).toEqual([]);
  });

  it('backfills the normalised email of existing accounts and audit rows, keeping the email as typed', async () => {
    const fresh = await emptyTestDatabase();
    try {
      await createMigrator(fresh.db).migrateTo('0005_create_throttles');
      const typed = [' Ada@Example.COM', 'zoe\u0308@example.com'];
      const db = fresh.db as unknown as Kysely<any>;
      for (const email of typed) {
        await db
          .insertInto('users')
          .values({ first_name: 'A', last_name: 'B', email, password_hash: 'h', created_at: new Date() })
          .execute();
      }
      await db
        .insertInto('audit_log')
        .values({
          event_id: '00000000-0000-4000-8000-000000000001',
          type: 'user.login_failed',
          version: 1,
          email: 'GHOST@Example.com',
          occurred_at: new Date(),
          payload: '{}',
        })
        .execute();
      expect(await migrateToLatest(fresh.db)).toEqual(['0006_normalize_emails', '0007_create_mail_queue']);
      const users = await fresh.db.selectFrom('users').select(['email', 'email_normalized']).orderBy('id').execute();
      expect(users).toEqual([
        { email: ' Ada@Example.COM', email_normalized: 'ada@example.com' },
        { email: 'zoe\u0308@example.com', email_normalized: 'zo\u00eb@example.com' },
      ]);
      expect(await fresh.db.selectFrom('audit_log').select('email').execute()).toEqual([{ email: 'ghost@example.com' }]);
    } finally {
      await fresh.drop();
    }
  });

  it('refuses to merge two accounts that become one address, naming them, and changes nothing', async () => {
    const fresh = await emptyTestDatabase();
    try {
      await createMigrator(fresh.db).migrateTo('0005_create_throttles');
      const db = fresh.db as unknown as Kysely<any>;
      // Distinct under lower(), one address once composed (NFC).
      for (const email of ['zo\u00eb@example.com', 'zoe\u0308@example.com']) {
        await db
          .insertInto('users')
          .values({ first_name: 'A', last_name: 'B', email, password_hash: 'h', created_at: new Date() })
          .execute();
      }
      const failure = await migrateToLatest(fresh.db).catch((error: unknown) => error);
      expect((failure as Error).message).toMatch(
        /accounts share one normalised email; merge or rename them, then migrate again: zo\u00eb@example.com \(ids 1, 2\)/,
      );
      const columns = await sql<{ column_name: string }>`
        select column_name from information_schema.columns where table_name = 'users' and column_name = 'email_normalized'`.execute(
        fresh.db,
      );
      expect(columns.rows).toEqual([]);
    } finally {
      await fresh.drop();
    }
  });
});
