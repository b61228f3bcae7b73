import type { DeadlineSignal } from '@authsvc/runtime';
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Dialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { DeadlineConnectionProvider, PgDriver, statementNames } from './pg-driver.js';

/** Options of {@link createKysely}. */
export interface CreateKyselyOptions {
  /** Most connections the pool opens at once; pg's default is 10. */
  readonly poolSize?: number;
  /** Milliseconds an idle connection is kept before it is closed. */
  readonly idleTimeoutMillis?: number;
  /** Milliseconds to wait for a connection before failing, instead of waiting forever. */
  readonly connectionTimeoutMillis?: number;
  /** The `application_name` shown in `pg_stat_activity`. */
  readonly applicationName?: string;
  /** Told of errors on pooled connections, idle or in use (a server restart); ignored when absent. */
  readonly onPoolError?: (error: Error) => void;
}

/** OID of PostgreSQL's `int8`/`bigint` type. */
const INT8_OID = 20;

/**
 * Parses `bigint` to a JS number, refusing values a double cannot hold exactly. pg returns int8 as
 * a string by default because of that risk; our bigints (outbox `seq`, `count(*)`) stay far below
 * 2^53, and a loud failure beats a silently rounded sequence number.
 */
export function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} does not fit in a JS number`);
  return parsed;
}

/**
 * Type parsers for this pool only. Setting them on pg's global `types` would change every other
 * pg client in the process (a library's, a test's), so they are scoped to the pool's clients.
 */
export function createTypeParsers(): pg.CustomTypesConfig {
  const overrides = new pg.TypeOverrides();
  overrides.setTypeParser(INT8_OID, 'text', parseInt8);
  return overrides;
}

/** Builds a `Kysely<Database>` over a `pg` pool connected to `databaseUrl`; `destroy()` it to close the pool. */
export function createKysely(databaseUrl: string, options: CreateKyselyOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    application_name: options.applicationName ?? 'authsvc',
    types: createTypeParsers(),
  });
  // A client that loses its server (a restart, a terminated backend) emits 'error': on the pool
  // while idle, on the client itself while checked out. Unhandled, either event crashes the
  // process. The query in hand fails (a 503), the pool discards the client, the next gets a new one.
  const onError = options.onPoolError ?? (() => {});
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  const names = statementNames();
  const driver = new PgDriver(pool, names, true);
  const dialect: Dialect = {
    createDriver: () => driver,
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createAdapter: () => new PostgresAdapter(),
    createIntrospector: (db) => new PostgresIntrospector(db),
  };
  const db = new Kysely<Database>({ dialect });
  // Views under a deadline share the compiler, adapter and plugins of `db`'s executor and only
  // swap its connection provider; their driver (for transactions) leaves the pool open.
  const viewDriver = new PgDriver(pool, names, false);
  const executor = db.getExecutor();
  deadlineViews.set(db, () => {
    const provider = new DeadlineConnectionProvider(viewDriver);
    const view = new Kysely<Database>({
      config: { dialect },
      dialect,
      driver: viewDriver,
      executor: executor.withConnectionProvider(provider),
    });
    return {
      db: view,
      get deadline() {
        return provider.deadline;
      },
      set deadline(deadline) {
        provider.deadline = deadline;
      },
    };
  });
  return db;
}

/**
 * A handle on a pool whose statements honour the deadline set on it. Setting another deadline
 * reuses the handle (and whatever was built on it) for the next request; work started before
 * keeps its own.
 */
export interface DeadlineView {
  readonly db: Kysely<Database>;
  /** Once it aborts, work started under it sends no further statement; none when unset. */
  deadline: DeadlineSignal | undefined;
}

/** How each handle {@link createKysely} made gives views of its pool under a deadline. */
const deadlineViews = new WeakMap<Kysely<Database>, () => DeadlineView>();

/**
 * A view of `db`'s pool under a deadline: once the deadline set on it aborts, no further statement
 * is sent (a COMMIT included), and a statement in flight has its connection dropped, so PostgreSQL
 * rolls the transaction back even if it was frozen and only reads the statement later. Queries
 * then fail with the deadline's reason. Destroying the view leaves the pool open. `db` must come
 * from {@link createKysely}.
 *
 * The deadline travels with the handle rather than in an `AsyncLocalStorage`: on Node 20 the
 * latter turns on promise hooks for every promise of the process, a third of a light request's CPU.
 */
export function deadlineView(db: Kysely<Database>): DeadlineView {
  const view = deadlineViews.get(db);
  if (view === undefined) throw new TypeError('deadlineView needs a handle made by createKysely');
  return view();
}
