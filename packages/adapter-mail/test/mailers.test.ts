import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailRequest, QueuedMail } from '@authsvc/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMailBackend,
  describeSmtpUrl,
  FileMailer,
  fillUrlTemplate,
  renderMail,
  SmtpMailer,
  type MailTemplates,
} from '../src/index.js';
import { readMailDir, startTestSmtpServer, type TestSmtpServer } from '../src/testing/index.js';

const templates: MailTemplates = {
  from: 'Accounts <accounts@auth.example.com>',
  passwordResetUrl: 'https://app.example.com/reset/{uid}/{token}/',
  emailVerificationUrl: 'https://app.example.com/verify?key={key}',
};
// Secrets with characters a URL gives meaning to: they must arrive encoded, not reshape the link.
const reset: MailRequest = { kind: 'password_reset', to: 'ada@example.com', firstName: 'Ada', uid: 'MQ', token: 'a/b+c?d' };
const verification: MailRequest = { kind: 'email_verification', to: 'bob@example.com', firstName: '', key: 'k&ey=1#x' };
const queued = (request: MailRequest, n: number): QueuedMail => ({ id: `00000000-0000-4000-8000-00000000000${n}`, request, attempt: 1 });

describe('renderMail', () => {
  it('fills the link templates with URL-encoded values, and takes the Message-ID from the queue id and the sender domain', () => {
    const email = renderMail(queued(reset, 1), templates);
    expect(email).toMatchObject({
      messageId: '<00000000-0000-4000-8000-000000000001@auth.example.com>',
      from: templates.from,
      to: 'ada@example.com',
      subject: 'Password reset on app.example.com',
    });
    expect(email.text).toContain('\nhttps://app.example.com/reset/MQ/a%2Fb%2Bc%3Fd/\n');
    expect(email.text).toMatch(/^Hello Ada,/);
    const verify = renderMail(queued(verification, 2), { ...templates, from: 'webmaster@localhost' });
    expect(verify.messageId).toBe('<00000000-0000-4000-8000-000000000002@localhost>');
    expect(verify.subject).toBe('[app.example.com] Please Confirm Your Email Address');
    expect(verify.text).toContain('go to https://app.example.com/verify?key=k%26ey%3D1%23x\n');
  });

  it('leaves a placeholder it has no value for as it is', () => {
    expect(fillUrlTemplate('http://h/{uid}/{other}/', { uid: 'a b' })).toBe('http://h/a%20b/{other}/');
  });
});

describe('SmtpMailer against a real SMTP server on loopback', () => {
  let server: TestSmtpServer;
  beforeAll(async () => {
    server = await startTestSmtpServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    server.received.length = 0;
    server.refuseNext = 0;
  });

  it('delivers both kinds of email, logged in with the URL credentials, with their Message-ID and link', async () => {
    const mailer = new SmtpMailer(server.url);
    await mailer.send(renderMail(queued(reset, 1), templates));
    await mailer.send(renderMail(queued(verification, 2), templates));
    mailer.close();
    expect(server.received.map(({ messageId, from, to, subject }) => ({ messageId, from, to, subject }))).toEqual([
      {
        messageId: '<00000000-0000-4000-8000-000000000001@auth.example.com>',
        from: '"Accounts" <accounts@auth.example.com>',
        to: 'ada@example.com',
        subject: 'Password reset on app.example.com',
      },
      {
        messageId: '<00000000-0000-4000-8000-000000000002@auth.example.com>',
        from: '"Accounts" <accounts@auth.example.com>',
        to: 'bob@example.com',
        subject: '[app.example.com] Please Confirm Your Email Address',
      },
    ]);
    expect(server.received[0]!.text).toContain('https://app.example.com/reset/MQ/a%2Fb%2Bc%3Fd/');
    expect(server.received[1]!.text).toContain('https://app.example.com/verify?key=k%26ey%3D1%23x');
  });

  it("rejects with the server's reply when it refuses, and with the login error on wrong credentials", async () => {
    server.refuseNext = 1;
    const mailer = new SmtpMailer(server.url);
    await expect(mailer.send(renderMail(queued(reset, 1), templates))).rejects.toThrow(/451/);
    const wrong = new SmtpMailer(server.url.replace(server.password, 'wrong'));
    await expect(wrong.send(renderMail(queued(reset, 1), templates))).rejects.toThrow(/535|auth/i);
    expect(server.received).toEqual([]);
  });

  it('speaks TLS from the first byte to an smtps:// server', async () => {
    const tls = await startTestSmtpServer({ tls: true });
    try {
      const mailer = new SmtpMailer(tls.url);
      await mailer.send(renderMail(queued(reset, 1), templates));
      mailer.close();
      expect(tls.received.map((mail) => mail.to)).toEqual(['ada@example.com']);
      expect(describeSmtpUrl(tls.url)).toMatch(/^smtps:\/\/mailer@127\.0\.0\.1:\d+$/);
    } finally {
      await tls.close();
    }
  });

  it('is described without its password', () => {
    expect(describeSmtpUrl(server.url)).toMatch(/^smtp:\/\/mailer@127\.0\.0\.1:482\d\d$/);
    expect(createMailBackend({ smtpUrl: server.url, mailDir: '/unused' }).description).not.toContain(server.password);
  });
});

describe('FileMailer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'authsvc-mail-')), 'mail');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each email as an RFC 5322 .eml file a mail parser reads, creating the folder', async () => {
    const mailer = new FileMailer(dir);
    await mailer.send(renderMail(queued(reset, 1), templates));
    await mailer.send(renderMail(queued(verification, 2), templates));
    const mails = await readMailDir(dir);
    expect(mails.map(({ messageId, to, subject }) => ({ messageId, to, subject }))).toEqual([
      {
        messageId: '<00000000-0000-4000-8000-000000000001@auth.example.com>',
        to: 'ada@example.com',
        subject: 'Password reset on app.example.com',
      },
      {
        messageId: '<00000000-0000-4000-8000-000000000002@auth.example.com>',
        to: 'bob@example.com',
        subject: '[app.example.com] Please Confirm Your Email Address',
      },
    ]);
    expect(mails[0]!.text).toContain('https://app.example.com/reset/MQ/a%2Fb%2Bc%3Fd/');
    expect(mails[0]!.raw).toMatch(/^(?=[\s\S]*^Date: )(?=[\s\S]*^MIME-Version: 1\.0)/m);
  });

  it('names the file after the Message-ID, so the same email sent again replaces its file', async () => {
    const mailer = new FileMailer(dir);
    await mailer.send(renderMail(queued(reset, 1), templates));
    await mailer.send(renderMail(queued(reset, 1), templates));
    expect(await readdir(dir)).toEqual(['00000000-0000-4000-8000-000000000001@auth.example.com.eml']);
  });

  it('is what the backend picks without an SMTP URL, and says where the files go', () => {
    expect(createMailBackend({ smtpUrl: null, mailDir: dir }).description).toBe(`.eml files in ${dir} (no SMTP_URL)`);
  });
});
