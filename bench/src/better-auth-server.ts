/**
 * better-auth as a peer: email and password, sessions in PostgreSQL (a `pg` pool, which
 * better-auth drives through Kysely), the session cookie cache off so every check reads the
 * database, rate limiting off, and passwords hashed by our own scrypt hasher with the same
 * parameters, so a login costs both services the same KDF work. Served by node:http.
 * Env: DATABASE_URL, PORT, DB_POOL_SIZE, WEB_CONCURRENCY, SCRYPT_LOG_N.
 */
import { createServer } from 'node:http';
import { ScryptPasswordHasher } from '@authsvc/adapter-crypto';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import pg from 'pg';
import { runClustered } from './cluster.js';

const port = Number(process.env.PORT ?? 8200);
const hasher = new ScryptPasswordHasher({ logN: Number(process.env.SCRYPT_LOG_N ?? 15), r: 8, p: 1 });

const createAuth = () =>
  betterAuth({
    database: new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: Number(process.env.DB_POOL_SIZE ?? 10) }),
    secret: 'bench-only-secret-0123456789abcdef0123456789abcdef',
    baseURL: `http://127.0.0.1:${port}`,
    emailAndPassword: {
      enabled: true,
      password: {
        hash: (password) => hasher.hash(password),
        verify: ({ hash, password }) => hasher.verify(password, hash),
      },
    },
    session: { cookieCache: { enabled: false } },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
  });

await runClustered(
  Number(process.env.WEB_CONCURRENCY ?? 1),
  async () => {
    const { runMigrations } = await getMigrations(createAuth().options);
    await runMigrations();
  },
  async () => {
    const handle = toNodeHandler(createAuth());
    const server = createServer((request, response) => void handle(request, response));
    server.listen(port, '127.0.0.1');
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  },
);
