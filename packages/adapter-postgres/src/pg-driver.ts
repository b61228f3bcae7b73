import {
  AbortedTransactionError,
  CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { DeadlineSignal } from '@authsvc/runtime';
import type pg from 'pg';
import { underDeadline } from './query-deadline.js';

/**
 * Distinct statements prepared per connection at most. Our queries have a fixed shape, so a
 * handful suffice; the cap keeps a query with a varying shape (a multi-row insert) from growing
 * the server's per-connection cache without bound: past it, statements run unnamed.
 */
const MAX_PREPARED = 200;

/** The name of each distinct SQL text's prepared statement, shared by every connection of one pool. */
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

// The commands whose row count Kysely reports as affected rows.
const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * One pooled `pg` client as Kysely's connection. Each distinct SQL text runs as a named prepared
 * statement, so PostgreSQL parses and plans a hot query (the token lookup on every request) once
 * per connection; Kysely sends only parameterised text, never values in the SQL, so one text is
 * one statement. While held under a deadline, every statement honours it ({@link underDeadline}).
 */
class PgConnection implements DatabaseConnection {
  /** The deadline of whoever holds the connection now; none between holders. */
  deadline: DeadlineSignal | undefined;
  /** Set when a rollback failed: the client goes back to the pool to be destroyed, not reused. */
  discarded = false;

  constructor(
    readonly client: pg.PoolClient,
    private readonly nameFor: StatementNames,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = query;
    const run = () => this.client.query<R & pg.QueryResultRow>({ name: this.nameFor(sql), text: sql, values: [...parameters] });
    const { command, rowCount, rows } =
      this.deadline === undefined ? await run() : await underDeadline(this.client, sql, this.deadline, run);
    // As Kysely's own PostgreSQL driver: a COMMIT answered ROLLBACK means the transaction had failed.
    if (command === 'COMMIT' || command === 'ROLLBACK') return { rows: [{ command } as R] };
    return AFFECTING.has(command) ? { rows, numAffectedRows: BigInt(rowCount ?? 0) } : { rows };
  }

  // Nothing of ours streams; Kysely's own driver refuses too unless given pg-cursor.
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported');
  }
}

/**
 * Kysely's driver over a `pg` pool, one {@link PgConnection} per pooled client for the client's
 * life, so acquiring a connection allocates nothing. `endsPool` says whether `destroy()` ends the
 * pool: a handle under a deadline shares the pool and leaves it open.
 */
export class PgDriver implements Driver {
  private readonly connections = new WeakMap<pg.PoolClient, PgConnection>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly nameFor: StatementNames,
    private readonly endsPool: boolean,
  ) {}

  /** Nothing to set up: the pool connects on demand. */
  async init(): Promise<void> {}

  /** A client of the pool, waiting for one when all are busy. */
  async acquireConnection(): Promise<PgConnection> {
    const client = await this.pool.connect();
    let connection = this.connections.get(client);
    if (connection === undefined) {
      connection = new PgConnection(client, this.nameFor);
      this.connections.set(client, connection);
    }
    return connection;
  }

  /** Begins a transaction with the isolation level and access mode asked for. */
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const { isolationLevel, accessMode } = settings;
    const sql =
      isolationLevel || accessMode
        ? ['start transaction', isolationLevel && `isolation level ${isolationLevel}`, accessMode].filter(Boolean).join(' ')
        : 'begin';
    await connection.executeQuery(CompiledQuery.raw(sql));
  }

  /** Commits, failing with Kysely's `AbortedTransactionError` when PostgreSQL rolled back instead. */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { rows } = await connection.executeQuery<{ command: string }>(CompiledQuery.raw('commit'));
    if (rows[0]?.command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  /** Rolls back; a connection that cannot is not reused. */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (error) {
      (connection as PgConnection).discarded = true;
      throw error;
    }
  }

  /** Hands the client back to the pool, free of its holder's deadline. */
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const held = connection as PgConnection;
    held.deadline = undefined;
    held.client.release(held.discarded);
  }

  /** Ends the pool if this driver owns it. */
  async destroy(): Promise<void> {
    if (this.endsPool) await this.pool.end();
  }
}

/**
 * Lends `driver`'s connections under the deadline set on it, which a request sets when it takes
 * the handle and clears when its work is done: once that deadline aborts, no further statement is
 * sent and the one in flight has its connection dropped. Reusable across requests, where a Kysely
 * with a dialect of its own would build a compiler, an adapter and a driver each time.
 */
export class DeadlineConnectionProvider implements ConnectionProvider {
  /** The deadline of work that asks for a connection from now on; none when unset. */
  deadline: DeadlineSignal | undefined;

  constructor(private readonly driver: PgDriver) {}

  async provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    // Read before waiting for a client: work keeps the deadline it started under even if the
    // handle has passed to another request by the time the pool lends it one.
    const deadline = this.deadline;
    const connection = await this.driver.acquireConnection();
    connection.deadline = deadline;
    try {
      return await consumer(connection);
    } finally {
      await this.driver.releaseConnection(connection);
    }
  }
}
