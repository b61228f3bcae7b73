import { CryptoTokenSecrets, randomIds, ScryptPasswordHasher, systemClock } from '@authsvc/adapter-crypto';
import { createPostgresAdapters } from '@authsvc/adapter-postgres';
import { createAuthService, type AuthDependencies, type AuthService, type Clock } from '@authsvc/domain';
import type { FastifyInstance } from 'fastify';
import { trustProxySetting, type ApiConfig } from './config.js';
import { databaseIsReachable, openDatabase, type OpenDatabase } from './database.js';
import { createAuthEndpoints } from './edge/auth-endpoints.js';
import { buildHttpServer } from './http/server.js';

/** The running API: its HTTP server, use cases and database, and how to stop them in order. */
export interface ApiApp {
  readonly server: FastifyInstance;
  readonly service: AuthService;
  readonly database: OpenDatabase;
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

/** Replacements for tests: a clock that can be moved to expire tokens without waiting. */
export interface ApiOverrides {
  readonly clock?: Clock;
}

/** Wires the API by hand: configuration in, a ready (not yet listening) server out. */
export async function createApiApp(config: ApiConfig, overrides: ApiOverrides = {}): Promise<ApiApp> {
  const database = await openDatabase(config, 'authsvc-api');
  const persistence = createPostgresAdapters(database.db);
  const deps: AuthDependencies = {
    users: persistence.users,
    tokens: persistence.tokens,
    unitOfWork: persistence.unitOfWork,
    hasher: new ScryptPasswordHasher({ logN: config.SCRYPT_LOG_N, r: config.SCRYPT_R, p: config.SCRYPT_P }),
    secrets: new CryptoTokenSecrets(),
    clock: overrides.clock ?? systemClock,
    ids: randomIds,
    settings: {
      tokenTtlSeconds: config.TOKEN_EXPIRED_AFTER_SECONDS,
      tokenLimitPerUser: config.TOKEN_LIMIT_PER_USER ?? null,
    },
  };
  const service = createAuthService(deps);
  const server = buildHttpServer(createAuthEndpoints(service), {
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL },
    isReady: () => databaseIsReachable(database.db),
  });
  return {
    server,
    service,
    database,
    async close() {
      await server.close();
      await database.close();
    },
  };
}
