import type { MailRequest } from '@authsvc/domain';
import { createTestDatabase } from '@authsvc/testing-postgres';
import { ManualClock } from '@authsvc/testing';
import { createApiApp, type ApiApp } from '../src/composition-root.js';
import { loadConfig } from '../src/config.js';
import { testApiEnv } from '../src/testing/index.js';

/** A running API on a fresh database, reached over real HTTP on loopback. */
export interface TestApi {
  readonly app: ApiApp;
  readonly baseUrl: string;
  readonly clock: ManualClock;
  /** Sends a request and reads the JSON answer (null for an empty body). */
  request(method: string, path: string, init?: { body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<TestResponse>;
  stop(): Promise<void>;
}

/** A response as the tests look at it. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

/** Starts the real API (real PostgreSQL, cheap scrypt) on an ephemeral port. */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const clock = new ManualClock(new Date());
  // The mailer sends only when a test flushes the pipeline: a queued email keeps its secret (erased
  // once sent) until the test has read it.
  const config = loadConfig(testApiEnv(database.url, { MAIL_POLL_INTERVAL_MS: '600000', ...env }));
  const app = await createApiApp(config, { clock });
  const address = await app.server.listen({ host: '127.0.0.1', port: 0 });

  async function request(method: string, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${address}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  return {
    app,
    baseUrl: address,
    clock,
    request,
    async stop() {
      await app.close();
      await database.stop();
    },
  };
}

/** The spec's registration example. */
export const johnDoe = {
  first_name: 'John',
  last_name: 'Doe',
  email: 'john.doe@example.com',
  password1: 'Password123',
  password2: 'Password123',
};

/** What the mail queue holds for `to`, oldest first: what a mailer would deliver. */
export async function queuedMail(api: TestApi, to: string): Promise<MailRequest[]> {
  const rows = await api.app.database.db
    .selectFrom('mail_queue')
    .select('payload')
    .where('recipient', '=', to)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => row.payload as MailRequest);
}

/** The newest email of `kind` queued for `to`: the secret a user would read in it. */
export async function lastMail<K extends MailRequest['kind']>(
  api: TestApi,
  to: string,
  kind: K,
): Promise<Extract<MailRequest, { kind: K }>> {
  const mail = (await queuedMail(api, to)).filter((request): request is Extract<MailRequest, { kind: K }> => request.kind === kind);
  const last = mail.at(-1);
  if (!last) throw new Error(`no ${kind} email to ${to}`);
  return last;
}
