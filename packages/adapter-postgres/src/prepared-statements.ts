import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { underDeadline } from './query-deadline.js';

/**
 * Distinct statements prepared per connection at most. Our queries have a fixed shape, so a
 * handful suffice; the cap keeps a query with a varying shape (a multi-row insert) from growing
 * the server's per-connection cache without bound: past it, statements run unnamed as before.
 */
const MAX_PREPARED = 200;

const isSubmittable = (value: object): value is pg.Submittable & PostgresCursor<unknown> =>
  typeof (value as { submit?: unknown }).submit === 'function';

/**
 * Kysely's view of a `pg` pool that runs each distinct SQL text as a named prepared statement,
 * so PostgreSQL parses and plans a hot query (the token lookup on every request) once per
 * connection instead of on every call. Kysely sends only parameterised text, never values in
 * the SQL, so one text is one statement. Every statement honours the deadline of the work that
 * sends it (withQueryDeadline).
 */
export function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `authsvc_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query(
        sqlOrCursor: string | PostgresCursor<unknown>,
        parameters: ReadonlyArray<unknown> = [],
      ): Promise<PostgresQueryResult<unknown>> | PostgresCursor<unknown> {
        if (typeof sqlOrCursor === 'string') {
          const sql = sqlOrCursor;
          // pg types `command` as any string; Kysely lists the ones it reads.
          return underDeadline(
            client,
            sql,
            () => client.query({ name: nameFor(sql), text: sql, values: [...parameters] }) as Promise<PostgresQueryResult<unknown>>,
          );
        }
        // A streaming cursor (pg-cursor) is a Submittable that pg runs as it is.
        if (!isSubmittable(sqlOrCursor)) throw new TypeError('a cursor must be a pg Submittable');
        return client.query(sqlOrCursor);
      }
      return { query, release: (destroy?: boolean) => client.release(destroy) };
    },
    end: () => pool.end(),
  };
}
