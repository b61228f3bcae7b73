import { describeDatabase } from '@authsvc/runtime';
import type { ApiApp } from './composition-root.js';
import type { ApiConfig } from './config.js';

/** What the start log line says beside the URL: which database (no password), where events go, and where emails go. */
export function startSummary(config: ApiConfig, app: ApiApp): { database: string; events: string; mail: string } {
  return {
    database: describeDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }, app.database.url),
    events: config.KAFKA_BROKERS
      ? `Kafka mode: the outbox is left to the worker, which publishes it to ${config.KAFKA_BROKERS.join(',')}`
      : 'embedded: in-process relay to the audit log and token cleanup (no KAFKA_BROKERS)',
    mail: app.mail ?? "sent by the worker's mailer role (Kafka mode)",
  };
}
