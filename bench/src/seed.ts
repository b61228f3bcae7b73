import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';

/** The password every seeded account has. */
export const PASSWORD = 'Bench-pass-7q3Xv!';

const email = (i: number) => `bench${i}@example.com`;

/** Seeded accounts: emails to log in with, and `Authorization` header values of live tokens. */
export interface SeededApi {
  readonly emails: string[];
  readonly authorizations: string[];
}

/**
 * Inserts `count` users into the API's database, each with one live token (the digest stored,
 * as the API does: SHA-256 hex of a 40-hex key). Straight SQL: seeding is not what we measure.
 */
export async function seedApi(url: string, count: number, passwordHash: string): Promise<SeededApi> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number }>(
      // The seeded emails are already lowercase ASCII, so each is its own normalised form.
      `insert into users (first_name, last_name, email, email_normalized, password_hash, created_at)
       select 'Bench', 'User ' || g, 'bench' || g || '@example.com', 'bench' || g || '@example.com', $1, now() from generate_series(1, $2) g
       returning id`,
      [passwordHash, count],
    );
    const keys = rows.map(() => randomBytes(20).toString('hex'));
    const digests = keys.map((key) => createHash('sha256').update(key).digest('hex'));
    await client.query(
      `insert into tokens (digest, user_id, created_at, expires_at)
       select d, u, now(), now() + interval '1 day' from unnest($1::text[], $2::int[]) as t(d, u)`,
      [digests, rows.map((r) => r.id)],
    );
    await client.query('analyze');
    return { emails: rows.map((_, i) => email(i + 1)), authorizations: keys.map((key) => `Token ${key}`) };
  } finally {
    await client.end();
  }
}

/** Inserts `count` better-auth users with credential accounts holding `passwordHash`. */
export async function seedBetterAuth(url: string, count: number, passwordHash: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const ids = Array.from({ length: count }, () => randomUUID());
    const emails = ids.map((_, i) => email(i + 1));
    await client.query(
      `insert into "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
       select id, 'Bench User', e, false, now(), now() from unnest($1::text[], $2::text[]) as t(id, e)`,
      [ids, emails],
    );
    await client.query(
      `insert into account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
       select gen_random_uuid()::text, id, 'credential', id, $2, now(), now() from unnest($1::text[]) as t(id)`,
      [ids, passwordHash],
    );
    await client.query('analyze');
    return emails;
  } finally {
    await client.end();
  }
}

/** Signs in through better-auth's API and returns the session cookies it sets. */
export async function betterAuthSessions(baseUrl: string, emails: string[]): Promise<string[]> {
  const cookies: string[] = [];
  for (const e of emails) {
    const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ email: e, password: PASSWORD }),
    });
    if (!response.ok) throw new Error(`better-auth sign-in failed: ${response.status} ${await response.text()}`);
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';', 1)[0]!)
      .filter((c) => c.includes('session_token'));
    cookies.push(cookie.join('; '));
  }
  return cookies;
}

/** Recreates the database `name` on the server of `adminUrl`, so each run starts clean. */
export async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** The id of every account by email, to match audit rows to logins. */
export async function seededIds(db: pg.Client): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: number; email: string }>('select id, email from users');
  return new Map(rows.map((r) => [r.email, r.id] as const));
}
