import { Writable } from 'node:stream';
import { startTestSmtpServer, type TestSmtpServer } from '@authsvc/adapter-mail/testing';
import { KyselyUnitOfWork, openDatabase, type OpenDatabase } from '@authsvc/adapter-postgres';
import type { MailRequest } from '@authsvc/domain';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWorker, type Worker } from '../src/composition-root.js';
import { loadWorkerConfig } from '../src/config.js';
import { eventually } from './support.js';

const reset = (n: number): MailRequest => ({
  kind: 'password_reset',
  to: `user${n}@example.com`,
  firstName: 'Ada',
  uid: `u${n}`,
  token: `reset-token-${n}`,
});
const verification = (n: number): MailRequest => ({
  kind: 'email_verification',
  to: `user${n}@example.com`,
  firstName: 'Bob',
  key: `verify-key-${n}`,
});

let database: OpenDatabase;
let smtp: TestSmtpServer;
let workers: Worker[] = [];
let logs = '';

beforeAll(async () => {
  [database, smtp] = await Promise.all([createTestDatabase().then((created) => openDatabase(created, TEST_POOL)), startTestSmtpServer()]);
});
afterAll(async () => {
  await Promise.all([database?.close(), smtp?.close()]);
});
beforeEach(async () => {
  await database.db.deleteFrom('mail_queue').execute();
  smtp.received.length = 0;
  smtp.refuseNext = 0;
  logs = '';
});
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
});

/** A worker in this process with only the mailer role, sending through the test SMTP server; no broker is needed for it. */
async function mailerWorker(env: Record<string, string> = {}): Promise<Worker> {
  const config = loadWorkerConfig({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: '127.0.0.1:1',
    WORKER_ROLES: 'mailer',
    SMTP_URL: smtp.url,
    MAIL_POLL_INTERVAL_MS: '20',
    PASSWORD_RESET_URL: 'https://app.example.com/reset/{uid}/{token}/',
    EMAIL_VERIFICATION_URL: 'https://app.example.com/verify/{key}/',
    METRICS_PORT: '0',
    ...env,
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const worker = await startWorker(config, { logger });
  workers.push(worker);
  return worker;
}

/** Queues emails as use cases do: in one transaction. */
const enqueue = (...requests: MailRequest[]) =>
  new KyselyUnitOfWork(database.db).run(async (tx) => {
    for (const request of requests) await tx.mail.enqueue(request);
  });

const rows = () =>
  database.db.selectFrom('mail_queue').select(['id', 'kind', 'recipient', 'status', 'attempts', 'payload']).orderBy('recipient').execute();
const metricsOf = async (worker: Worker) => (await fetch(`${worker.metricsUrl!}/metrics`)).text();

describe('the worker’s mailer role, on PostgreSQL, through a real SMTP server on loopback', () => {
  it('delivers both kinds of email with links from the templates, marks them sent, erases their secrets and counts them', async () => {
    const worker = await mailerWorker();
    await enqueue(reset(1), verification(2));
    await eventually(async () => (await rows()).every((row) => row.status === 'sent'), 'both emails to be sent');

    expect(smtp.received).toHaveLength(2);
    const byRecipient = new Map(smtp.received.map((mail) => [mail.to, mail]));
    expect(byRecipient.get('user1@example.com')!.text).toContain('https://app.example.com/reset/u1/reset-token-1/');
    expect(byRecipient.get('user2@example.com')!.text).toContain('https://app.example.com/verify/verify-key-2/');
    const stored = await rows();
    expect(stored.map(({ kind, recipient, attempts, payload }) => ({ kind, recipient, attempts, payload }))).toEqual([
      { kind: 'password_reset', recipient: 'user1@example.com', attempts: 1, payload: {} },
      { kind: 'email_verification', recipient: 'user2@example.com', attempts: 1, payload: {} },
    ]);
    expect(byRecipient.get('user1@example.com')!.messageId).toBe(`<${stored[0]!.id}@localhost>`);
    const metrics = await metricsOf(worker);
    expect(metrics).toMatch(/authsvc_mail_sent_total\{kind="password_reset"\} 1/);
    expect(metrics).toMatch(/authsvc_mail_sent_total\{kind="email_verification"\} 1/);
    expect(worker.mail).toMatch(/^SMTP to smtp:\/\/mailer@127\.0\.0\.1:\d+$/);
    expect(worker.readiness()).toEqual({ mailer: 'ok' });
    expect(logs).toContain('"mail":"SMTP to smtp://mailer@127.0.0.1');
    expect(logs).toContain('email sent');
    for (const secret of [smtp.password, 'reset-token-1', 'verify-key-2', 'user1@example.com']) expect(logs).not.toContain(secret);
  });

  it('retries an email the server refuses with 451, with backoff, and delivers it exactly once', async () => {
    smtp.refuseNext = 2;
    const worker = await mailerWorker({ MAIL_RETRY_INITIAL_SECONDS: '1' });
    await enqueue(reset(1));
    await eventually(async () => (await rows())[0]?.status === 'sent', 'the email to be sent after two refusals');
    expect(await metricsOf(worker)).toMatch(/authsvc_mail_retried_total\{kind="password_reset"\} 2/);
    expect(smtp.received.map((mail) => mail.to)).toEqual(['user1@example.com']);
    expect(await rows()).toMatchObject([{ status: 'sent', attempts: 3 }]);
    expect(logs.match(/email not sent, will retry/g)).toHaveLength(2);
  });

  it('marks an email failed after MAIL_MAX_ATTEMPTS refusals, erases its secret and counts it', async () => {
    smtp.refuseNext = Number.POSITIVE_INFINITY;
    const worker = await mailerWorker({ MAIL_MAX_ATTEMPTS: '2', MAIL_RETRY_INITIAL_SECONDS: '1' });
    await enqueue(reset(1));
    await eventually(async () => (await rows())[0]?.status === 'failed', 'the email to be given up on');
    expect(await rows()).toMatchObject([{ status: 'failed', attempts: 2, payload: {} }]);
    expect(await metricsOf(worker)).toMatch(/authsvc_mail_failed_total\{kind="password_reset"\} 1/);
    const [failure] = await database.db.selectFrom('mail_queue').select('last_error').execute();
    expect(failure!.last_error).toMatch(/451/);
    expect(smtp.received).toEqual([]);
  });

  it('never sends one email twice from two mailers working the same queue', async () => {
    await Promise.all([mailerWorker(), mailerWorker()]);
    const requests = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? reset(i + 10) : verification(i + 10)));
    await enqueue(...requests);
    await eventually(async () => (await rows()).every((row) => row.status === 'sent'), 'every email to be sent');
    expect(smtp.received).toHaveLength(24);
    expect(new Set(smtp.received.map((mail) => mail.messageId)).size).toBe(24);
  });
});
