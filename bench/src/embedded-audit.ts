/**
 * Login-to-audit latency in the embedded default (no broker): an API in its own database relays
 * its outbox in-process, woken by the outbox's NOTIFY, with the poll (OUTBOX_POLL_INTERVAL_MS,
 * 250 ms by default) only the fallback. Its accounts hash with a low scrypt cost, so the logins
 * load the pipeline rather than the KDF.
 */
import path from 'node:path';
import pg from 'pg';
import { auditLatencyTimer, type AuditLatency } from './audit-latency.js';
import { EVENTS_SCRYPT_LOG_N } from './events.js';
import { apiArgs, spawnNode, waitForHttp, type Spawned } from './processes.js';
import { PASSWORD, seedApi, seededIds } from './seed.js';

/** The running embedded-mode API and how to time a round of logins against it. */
export interface EmbeddedAuditStack {
  round(durationS: number, rate: number): Promise<AuditLatency>;
  stop(): Promise<void>;
}

/** Starts an API in the embedded mode (`workers` processes) on the fresh database `dbUrl`, seeded with `users` accounts. */
export async function startEmbeddedAuditStack(options: {
  readonly repoRoot: string;
  readonly work: string;
  readonly dbUrl: string;
  readonly port: number;
  readonly users: number;
  readonly workers: number;
}): Promise<EmbeddedAuditStack> {
  const db = new pg.Client({ connectionString: options.dbUrl });
  let api: Spawned | undefined;
  const stop = async () => {
    await api?.stop();
    await db.end().catch(() => undefined);
  };
  try {
    api = spawnNode(
      'authsvc-embedded-events',
      apiArgs(options.repoRoot),
      {
        NODE_ENV: 'production',
        WEB_CONCURRENCY: String(options.workers),
        SCRYPT_LOG_N: String(EVENTS_SCRYPT_LOG_N),
        DATABASE_URL: options.dbUrl,
        PORT: String(options.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        LOGIN_RATE: 'off',
        REGISTRATION_RATE: 'off',
      },
      path.join(options.work, 'api-embedded-events.log'),
    );
    const apiBase = `http://127.0.0.1:${options.port}`;
    await waitForHttp(`${apiBase}/healthz`, api);
    const { ScryptPasswordHasher } = await import('@authsvc/adapter-crypto');
    const hash = await new ScryptPasswordHasher({ logN: EVENTS_SCRYPT_LOG_N, r: 8, p: 1 }).hash(PASSWORD);
    const { emails } = await seedApi(options.dbUrl, options.users, hash);
    await db.connect();
    const timeLogins = auditLatencyTimer({ db, apiBase, emails, ids: await seededIds(db) });
    return { round: timeLogins, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
