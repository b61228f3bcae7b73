import { renderMail, SmtpMailer } from '@authsvc/adapter-mail';
import { startTestSmtpServer, type TestSmtpServer } from '@authsvc/adapter-mail/testing';
import { KyselyMailDeliveryQueue, KyselyUnitOfWork, openDatabase, type OpenDatabase } from '@authsvc/adapter-postgres';
import { MailerLoop } from '@authsvc/event-pipeline';
import { ManualClock } from '@authsvc/testing';
import { createTestDatabase, TEST_POOL } from '@authsvc/testing-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type ChildWorker } from './child-worker.js';
import { eventually } from './support.js';

const TEMPLATES = {
  from: 'webmaster@localhost',
  passwordResetUrl: 'https://app.example.com/reset/{uid}/{token}/',
  emailVerificationUrl: 'https://app.example.com/verify/{key}/',
};
// The mailer's default lease: after it, another mailer may claim an email a dead one held.
const LEASE_SECONDS = 5 * 60;

describe('a mailer killed between the SMTP server accepting an email and marking it sent', () => {
  let database: OpenDatabase;
  let smtp: TestSmtpServer;
  let child: ChildWorker | undefined;
  beforeAll(async () => {
    [database, smtp] = await Promise.all([createTestDatabase().then((created) => openDatabase(created, TEST_POOL)), startTestSmtpServer()]);
  });
  afterAll(async () => {
    await child?.kill();
    await Promise.all([database?.close(), smtp?.close()]);
  });

  it('leaves the email to be sent again once its lease runs out: one duplicate, with the same Message-ID, and no more', async () => {
    await new KyselyUnitOfWork(database.db).run((tx) =>
      tx.mail.enqueue({ kind: 'password_reset', to: 'ada@example.com', firstName: 'Ada', uid: 'MQ', token: 'reset-token' }),
    );
    // The real worker, built, in a process of its own, killed the moment the server has replied 250.
    // Frozen first (SIGSTOP) so it cannot read the reply and mark the email in the instant between
    // the reply and the kill: on a busy machine the woken mailer can win that race.
    const worker = spawnWorker({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: '127.0.0.1:1',
      WORKER_ROLES: 'mailer',
      SMTP_URL: smtp.url,
      MAIL_POLL_INTERVAL_MS: '20',
      PASSWORD_RESET_URL: TEMPLATES.passwordResetUrl,
    });
    child = worker;
    smtp.onAccepting = () => worker.child.kill('SIGSTOP');
    smtp.onAccepted = () => worker.child.kill('SIGKILL');
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
    smtp.onAccepting = null;
    smtp.onAccepted = null;

    expect(smtp.received).toHaveLength(1);
    const [row] = await database.db.selectFrom('mail_queue').select(['id', 'status', 'attempts']).execute();
    // Sent, but never marked: the dead mailer's lease still holds the email.
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });

    // Another mailer, as a restarted worker would run it, once the lease has run out.
    const clock = new ManualClock(new Date(Date.now() + 1_000));
    const queue = new KyselyMailDeliveryQueue(database.db, clock);
    const mailer = new SmtpMailer(smtp.url);
    const loop = new MailerLoop({ queue, mailer, render: (mail) => renderMail(mail, TEMPLATES) });
    await loop.drain();
    expect(smtp.received).toHaveLength(1);
    clock.advance(LEASE_SECONDS);
    await loop.drain();
    clock.advance(LEASE_SECONDS);
    await loop.drain();
    mailer.close();

    expect(smtp.received).toHaveLength(2);
    expect(smtp.received.map((mail) => mail.messageId)).toEqual([`<${row!.id}@localhost>`, `<${row!.id}@localhost>`]);
    expect(smtp.received[1]!.text).toContain('https://app.example.com/reset/MQ/reset-token/');
    expect(await database.db.selectFrom('mail_queue').select(['status', 'attempts', 'payload']).execute()).toEqual([
      { status: 'sent', attempts: 2, payload: {} },
    ]);
    await eventually(() => worker.exit() !== null, 'the killed worker to be reaped');
  });
});
