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

/** The name of each distinct SQL text's prepared statement, shared by every view of one pool. */
export type StatementNames = (text: string) => string | undefined;

/** Names statements `authsvc_0`, `authsvc_1`, ... up to {@link MAX_PREPARED}; past it, none (unnamed). */
export function statementNames(): StatementNames {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `authsvc_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
}

/**
 * Kysely's view of a `pg` pool that runs each distinct SQL text as a named prepared statement,
 * so PostgreSQL parses and plans a hot query (the token lookup on every request) once per
 * connection instead of on every call. Kysely sends only parameterised text, never values in
 * the SQL, so one text is one statement. With a `deadline`, every statement honours it
 * ({@link underDeadline}); such a view leaves the pool open when its Kysely is destroyed, the
 * pool being shared.
 */
export function withPreparedStatements(pool: pg.Pool, nameFor: StatementNames = statementNames(), deadline?: AbortSignal): PostgresPool {
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
          const run = () =>
            client.query({ name: nameFor(sql), text: sql, values: [...parameters] }) as Promise<PostgresQueryResult<unknown>>;
          return deadline === undefined ? run() : underDeadline(client, sql, deadline, run);
        }
        // A streaming cursor (pg-cursor) is a Submittable that pg runs as it is.
        if (!isSubmittable(sqlOrCursor)) throw new TypeError('a cursor must be a pg Submittable');
        return client.query(sqlOrCursor);
      }
      return { query, release: (destroy?: boolean) => client.release(destroy) };
    },
    end: deadline === undefined ? () => pool.end() : async () => {},
  };
}
