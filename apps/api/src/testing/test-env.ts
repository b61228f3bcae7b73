import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment tests run the API with: a given database, an ephemeral port, cheap scrypt, the
 * throttles off (tests send many requests from one address; the throttle tests turn them back on
 * through `overrides`), and emails written outside the repository (a test that reads them sets its
 * own MAIL_DIR). One definition for every suite that starts the API, in process or not.
 */
export function testApiEnv(databaseUrl: string, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    SCRYPT_LOG_N: '10',
    LOGIN_RATE: 'off',
    REGISTRATION_RATE: 'off',
    LOGIN_FAILURES_BEFORE_LOCKOUT: '0',
    LOGIN_ACCOUNT_FAILURES_BEFORE_LOCKOUT: '0',
    PASSWORD_RESET_RATE: 'off',
    MAIL_DIR: join(tmpdir(), 'authsvc-test-mail'),
    ...overrides,
  };
}
