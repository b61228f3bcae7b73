/**
 * The ceiling for the authenticated read: a bare Fastify server (the API's version) answering
 * `GET /api/users/me/` with one primary-key lookup through a `pg` pool, and nothing else (no
 * auth, no hooks, no logging). Env: DATABASE_URL, PORT, DB_POOL_SIZE, WEB_CONCURRENCY, USERS.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { runClustered } from './cluster.js';

const url = process.env.DATABASE_URL!;
const port = Number(process.env.PORT ?? 8100);
const users = Number(process.env.USERS ?? 1000);
const workers = Number(process.env.WEB_CONCURRENCY ?? 1);
const poolSize = Number(process.env.DB_POOL_SIZE ?? 10);

await runClustered(
  workers,
  async () => {},
  async () => {
    const pool = new pg.Pool({ connectionString: url, max: poolSize });
    const server = Fastify({ logger: false });
    server.get('/api/users/me/', async () => {
      const id = 1 + Math.floor(Math.random() * users);
      const { rows } = await pool.query('select id, first_name, last_name, email from users where id = $1', [id]);
      return rows[0];
    });
    server.get('/healthz', async () => ({ status: 'ok' }));
    await server.listen({ host: '127.0.0.1', port });
    process.on(
      'SIGTERM',
      () =>
        void server
          .close()
          .then(() => pool.end())
          .then(() => process.exit(0)),
    );
  },
);
