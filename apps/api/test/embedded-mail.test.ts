import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMailDir } from '@authsvc/adapter-mail/testing';
import { KyselyUnitOfWork } from '@authsvc/adapter-postgres';
import type { MailRequest } from '@authsvc/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startSummary } from '../src/start-summary.js';
import { testApiEnv } from '../src/testing/index.js';
import { startTestApi, type TestApi } from './support.js';

const reset: MailRequest = { kind: 'password_reset', to: 'ada@example.com', firstName: 'Ada', uid: 'MQ', token: 'clear-reset-token' };

describe('embedded mode (no KAFKA_BROKERS, no SMTP_URL): the API sends queued emails as .eml files', () => {
  let api: TestApi;
  let mailDir: string;
  beforeAll(async () => {
    mailDir = join(await mkdtemp(join(tmpdir(), 'authsvc-api-mail-')), 'mail');
    api = await startTestApi({ MAIL_DIR: mailDir, PASSWORD_RESET_URL: 'https://app.example.com/reset/{uid}/{token}/' });
  });
  afterAll(async () => {
    await api?.stop();
    await rm(mailDir, { recursive: true, force: true });
  });

  it('writes an email committed by a unit of work to MAIL_DIR, marks it sent, erases its token and counts it', async () => {
    expect(api.app.mail).toBe(`.eml files in ${mailDir} (no SMTP_URL)`);
    // As a use case does: the email commits with the transaction that asked for it.
    await new KyselyUnitOfWork(api.app.database.db).run((tx) => tx.mail.enqueue(reset));
    api.app.events!.mailer!.wake();
    await api.app.events!.flush();

    const [mail, ...others] = await readMailDir(mailDir);
    expect(others).toEqual([]);
    expect(mail).toMatchObject({ to: 'ada@example.com', from: 'webmaster@localhost', subject: 'Password reset on app.example.com' });
    expect(mail!.text).toContain('https://app.example.com/reset/MQ/clear-reset-token/');
    const rows = await api.app.database.db.selectFrom('mail_queue').select(['id', 'status', 'payload', 'kind', 'recipient']).execute();
    expect(rows).toEqual([{ id: expect.any(String), status: 'sent', payload: {}, kind: 'password_reset', recipient: 'ada@example.com' }]);
    expect(mail!.messageId).toBe(`<${rows[0]!.id}@localhost>`);
    const metrics = await (await fetch(`${api.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/authsvc_mail_sent_total\{kind="password_reset"\} 1/);
  });
});

describe('Kafka mode: the API leaves emails to the worker', () => {
  let api: TestApi;
  beforeAll(async () => {
    // The API never connects to Kafka itself: the broker need not exist.
    api = await startTestApi({ KAFKA_BROKERS: '127.0.0.1:1' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('runs no mailer, and its start line says who sends', async () => {
    expect(api.app.events).toBeNull();
    expect(api.app.mail).toBeNull();
    expect(startSummary(loadConfig(testApiEnv(api.app.database.url, { KAFKA_BROKERS: '127.0.0.1:1' })), api.app).mail).toBe(
      "sent by the worker's mailer role (Kafka mode)",
    );
  });
});
