import { resolve } from 'node:path';

/** Where a process's database is configured to be: `DATABASE_URL`, or the embedded server of `DATA_DIR`. */
export interface DatabaseSetting {
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
}

/**
 * The database for a process's start log line: the server of `DATABASE_URL`, or the embedded
 * PostgreSQL in `DATA_DIR` and the URL it was reached at (`connectedUrl`); never a password.
 */
export function describeDatabase(setting: DatabaseSetting, connectedUrl: string): string {
  let url: URL;
  try {
    url = new URL(connectedUrl);
  } catch {
    return '(an unparseable DATABASE_URL)';
  }
  url.password = '';
  return setting.databaseUrl ? url.href : `embedded PostgreSQL in ${resolve(setting.dataDir)} (${url.href})`;
}
