import type { Database, Kysely } from '@authsvc/adapter-postgres';
import { sql } from 'kysely';

/** What a database holds that requests can change, counted. */
export interface Footprint {
  readonly users: number;
  readonly tokens: number;
  /** Events other than failed logins (which a refused request rightly records), by type. */
  readonly events: Readonly<Record<string, number>>;
}

/**
 * Events wherever they are: still in the outbox, or moved by the relay into `audit_log`; counted
 * once per event id, as an event can briefly be in both.
 */
export async function eventsByUser(db: Kysely<Database>): Promise<{ id: string; type: string; user_id: number | null }[]> {
  const result = await sql<{ id: string; type: string; user_id: number | null }>`
    select id::text, type, user_id from outbox
    union
    select event_id::text as id, type, user_id from audit_log`.execute(db);
  return result.rows;
}

/** Counts users, tokens and events, to show that a run of requests changed nothing. */
export async function footprint(db: Kysely<Database>): Promise<Footprint> {
  const [users, tokens] = await Promise.all([
    db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const events: Record<string, number> = {};
  for (const event of await eventsByUser(db)) {
    if (event.type !== 'user.login_failed') events[event.type] = (events[event.type] ?? 0) + 1;
  }
  return { users: Number(users.n), tokens: Number(tokens.n), events };
}

/**
 * Problems with the database's consistency: a user without its `user.registered` event, a user
 * with more tokens than `user.logged_in` events, an event of a user that does not exist. Empty
 * when every write went in whole with its event.
 */
export async function inconsistencies(db: Kysely<Database>): Promise<string[]> {
  const users = await db.selectFrom('users').select(['id', 'email']).execute();
  const tokens = await db.selectFrom('tokens').select(['user_id']).execute();
  const events = await eventsByUser(db);
  const count = (type: string, userId: number) => events.filter((e) => e.type === type && e.user_id === userId).length;
  const problems: string[] = [];
  const ids = new Set(users.map((u) => u.id));
  for (const user of users) {
    if (count('user.registered', user.id) !== 1)
      problems.push(`user ${user.id} has ${count('user.registered', user.id)} user.registered events`);
    const held = tokens.filter((t) => t.user_id === user.id).length;
    if (held > count('user.logged_in', user.id)) problems.push(`user ${user.id} has ${held} tokens but fewer user.logged_in events`);
  }
  for (const event of events) {
    if (event.type === 'user.registered' && (event.user_id === null || !ids.has(event.user_id))) {
      problems.push(`user.registered event ${event.id} of a user that does not exist`);
    }
  }
  return problems;
}
