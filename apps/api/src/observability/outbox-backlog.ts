import type { Database } from '@authsvc/adapter-postgres';
import { sql, type Kysely } from 'kysely';
import type { OutboxBacklog } from './api-metrics.js';

/**
 * Counts the outbox and ages its oldest row. The relay deletes what it publishes, so every row is
 * backlog, and the age of the oldest says how far behind publishing is.
 */
export async function readOutboxBacklog(db: Kysely<Database>): Promise<OutboxBacklog> {
  const row = await db
    .selectFrom('outbox')
    .select([sql<string>`count(*)`.as('count'), sql<number | null>`extract(epoch from now() - min(created_at))::float8`.as('age')])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestAgeSeconds: Math.max(0, row.age ?? 0) };
}
