import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMailDir, startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '@authsvc/adapter-mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, startTestApi, type TestApi } from './support.js';

const password = johnDoe.password1;
const auth = (key: string) => ({ authorization: `Token ${key}` });

/** The uid and token of the reset link in an email's text, as a user would click it. */
function resetLink(mail: ReceivedMail): { uid: string; token: string } {
  const match = /https?:\/\/\S+\/password-reset\/([^/\s]+)\/([^/\s]+)\//.exec(mail.text);
  if (!match) throw new Error(`no reset link in: ${mail.text}`);
  return { uid: decodeURIComponent(match[1]!), token: decodeURIComponent(match[2]!) };
}

/**
 * One full reset as a user lives it, against whichever mailer `mailbox` reads: two devices logged
 * in, a reset asked for the account and for an unknown address (answered alike, only one email
 * sent), the link from the received message resets once and revokes both devices, and a second
 * link expires unused.
 */
async function resetThroughMailbox(api: TestApi, mailbox: () => Promise<ReceivedMail[]>, email: string): Promise<void> {
  expect((await api.request('POST', '/api/users/registration/', { body: { ...johnDoe, email } })).status).toBe(201);
  const devices: string[] = [];
  for (const device of ['phone', 'laptop']) {
    const login = await api.request('POST', '/api/users/login/', { body: { email, password }, headers: { 'user-agent': device } });
    devices.push((login.body as { key: string }).key);
  }
  // A file mailer's folder lists emails by name, not by time: new ones are told by their Message-ID.
  const seen = new Set((await mailbox()).map((mail) => mail.messageId));
  const newResets = async () => {
    const fresh = (await mailbox()).filter((mail) => !seen.has(mail.messageId) && mail.subject.toLowerCase().includes('password'));
    for (const mail of fresh) seen.add(mail.messageId);
    return fresh;
  };

  const known = await api.request('POST', '/api/users/password/reset/', { body: { email } });
  const unknown = await api.request('POST', '/api/users/password/reset/', { body: { email: `nobody-${email}` } });
  expect(known).toMatchObject({ status: 200, body: { detail: 'Password reset e-mail has been sent.' } });
  expect(unknown.text).toBe(known.text);
  await api.app.events!.flush();
  const resets = await newResets();
  expect(resets.map((mail) => mail.to)).toEqual([email]);
  expect(resets[0]!.from).toContain('webmaster@localhost');

  const { uid, token } = resetLink(resets[0]!);
  const confirm = { uid, token, new_password1: 'Better456x', new_password2: 'Better456x' };
  expect(await api.request('POST', '/api/users/password/reset/confirm/', { body: confirm })).toMatchObject({
    status: 200,
    body: { detail: 'Password has been reset with the new password.' },
  });
  for (const key of devices) expect((await api.request('GET', '/api/users/me/', { headers: auth(key) })).status).toBe(401);
  expect((await api.request('POST', '/api/users/login/', { body: { email, password: 'Better456x' } })).status).toBe(200);
  expect(await api.request('POST', '/api/users/password/reset/confirm/', { body: confirm })).toMatchObject({
    status: 400,
    body: { token: ['Invalid value'] },
  });

  await api.request('POST', '/api/users/password/reset/', { body: { email } });
  await api.app.events!.flush();
  const [laterMail] = await newResets();
  const later = resetLink(laterMail!);
  api.clock.advance(3_600);
  const expired = { ...later, new_password1: 'Third789y', new_password2: 'Third789y' };
  expect(await api.request('POST', '/api/users/password/reset/confirm/', { body: expired })).toMatchObject({
    status: 400,
    body: { token: ['Invalid value'] },
  });
}

describe('password reset through the mailers', () => {
  let mailDir: string;
  beforeAll(async () => {
    mailDir = await mkdtemp(join(tmpdir(), 'authsvc-reset-mail-'));
  });
  afterAll(async () => {
    await rm(mailDir, { recursive: true, force: true });
  });

  it('with the file mailer: the link is read from the .eml file the embedded mailer wrote', async () => {
    const api = await startTestApi({ MAIL_DIR: mailDir });
    try {
      await resetThroughMailbox(api, () => readMailDir(mailDir), 'files@example.com');
    } finally {
      await api.stop();
    }
  });

  describe('with SMTP', () => {
    let smtp: TestSmtpServer;
    let api: TestApi;
    beforeAll(async () => {
      smtp = await startTestSmtpServer();
      api = await startTestApi({ SMTP_URL: smtp.url, MAIL_RETRY_INITIAL_SECONDS: '1' });
    });
    afterAll(async () => {
      await api?.stop();
      await smtp?.close();
    });

    it('the link is read from the message the SMTP server received', async () => {
      await resetThroughMailbox(api, async () => smtp.received, 'smtp@example.com');
    });

    it('answers at once while the mail server refuses, and delivers the email once it accepts', async () => {
      await api.request('POST', '/api/users/registration/', { body: { ...johnDoe, email: 'queued@example.com' } });
      await api.app.events!.flush();
      const before = smtp.received.length;
      smtp.refuseNext = Number.POSITIVE_INFINITY;
      // Sent inside the request, the refusal would fail it; queued, the request cannot tell.
      expect((await api.request('POST', '/api/users/password/reset/', { body: { email: 'queued@example.com' } })).status).toBe(200);
      await api.app.events!.mailer!.drain();
      expect(smtp.received.slice(before)).toEqual([]);
      smtp.refuseNext = 0;
      // Retried a second after the refusal (MAIL_RETRY_INITIAL_SECONDS), on the database's clock.
      while (smtp.received.length === before) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await api.app.events!.mailer!.drain();
      }
      expect(smtp.received.slice(before).map((mail) => mail.to)).toEqual(['queued@example.com']);
    });
  });
});

describe('password reset timing', () => {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };

  it('answers an existing and an unknown email in the same time', { timeout: 120_000 }, async () => {
    // Through SMTP, so that an email sent inside the request would show: a whole SMTP conversation.
    const smtp = await startTestSmtpServer();
    const api = await startTestApi({ SMTP_URL: smtp.url });
    try {
      await api.request('POST', '/api/users/registration/', { body: johnDoe });
      const emails = { known: johnDoe.email, unknown: 'nobody@example.com' } as const;
      const samples: Record<keyof typeof emails, number[]> = { known: [], unknown: [] };
      for (let round = 0; round < 44; round += 1) {
        // Each round takes the two in a new order, so drift and noise fall on both alike; the first rounds warm up.
        for (const name of Math.random() < 0.5 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
          const started = performance.now();
          const response = await api.request('POST', '/api/users/password/reset/', { body: { email: emails[name] } });
          const elapsed = performance.now() - started;
          expect(response.status).toBe(200);
          if (round >= 4) samples[name].push(elapsed);
        }
      }
      const known = median(samples.known);
      const unknown = median(samples.unknown);
      console.info('password reset medians (ms):', { known: known.toFixed(2), unknown: unknown.toFixed(2) });
      // Sending inside the request (an SMTP conversation of some eight round trips) would open a gap
      // well over 8 ms on the known path; the queued design leaves two inserts in its transaction.
      expect(Math.abs(known - unknown), `medians known ${known}, unknown ${unknown}`).toBeLessThanOrEqual(
        Math.max(8, Math.min(known, unknown) * 0.25),
      );
      // And the emails did go through SMTP, after the answers.
      await api.app.events!.flush();
      expect(smtp.received.filter((mail) => mail.to === johnDoe.email).length).toBeGreaterThan(1);
    } finally {
      await api.stop();
      await smtp.close();
    }
  });
});
