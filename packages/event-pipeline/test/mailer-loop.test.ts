import type { MailDeliveryQueue, OutgoingEmail, QueuedMail } from '@authsvc/domain';
import {
  emailVerificationMail,
  InMemoryMailDeliveryQueue,
  InMemoryMailer,
  InMemoryStore,
  ManualClock,
  passwordResetMail,
} from '@authsvc/testing';
import { describe, expect, it } from 'vitest';
import { MailerLoop, type MailerLoopOptions } from '../src/index.js';

const render = (mail: QueuedMail): OutgoingEmail => ({
  messageId: `<${mail.id}@test>`,
  from: 'webmaster@localhost',
  to: mail.request.to,
  subject: mail.request.kind,
  text: JSON.stringify(mail.request),
});

/** A store with queued emails, a mailer, and a loop over them on a clock that moves only when told. */
async function setup(options: Partial<MailerLoopOptions> = {}, count = 1) {
  const store = new InMemoryStore();
  for (let n = 1; n <= count; n += 1) await store.mail.enqueue(n % 2 === 1 ? passwordResetMail(n) : emailVerificationMail(n));
  const clock = new ManualClock();
  const mailer = new InMemoryMailer();
  const failed: QueuedMail[] = [];
  const retries: number[] = [];
  const queue = new InMemoryMailDeliveryQueue(store, clock);
  const loop = new MailerLoop({
    queue,
    mailer,
    render,
    retryInitialMs: 30_000,
    onFailed: (mail) => failed.push(mail),
    onRetry: (_mail, _error, retryInMs) => retries.push(retryInMs),
    ...options,
  });
  return { store, clock, mailer, loop, queue, failed, retries };
}

describe('MailerLoop', () => {
  it('sends every due email once, with its id as Message-ID, marks it sent and erases its secret', async () => {
    const { store, mailer, loop } = await setup({}, 2);
    await loop.drain();
    expect(mailer.sent.map((email) => email.to)).toEqual(['user1@example.com', 'user2@example.com']);
    expect(mailer.sent.map((email) => email.messageId)).toEqual(store.state.mailDeliveries.map((record) => `<${record.id}@test>`));
    expect(store.state.mailDeliveries.map((record) => [record.status, record.request])).toEqual([
      ['sent', null],
      ['sent', null],
    ]);
    expect(await loop.runOnce()).toBe('idle');
  });

  it('retries a refused email with doubling backoff, not before it is due, and delivers it once', async () => {
    const { store, clock, mailer, loop, retries } = await setup();
    mailer.refuseNext = 2;
    expect(await loop.runOnce()).toBe('retrying');
    clock.advance(29);
    expect(await loop.runOnce()).toBe('idle');
    clock.advance(1);
    expect(await loop.runOnce()).toBe('retrying');
    clock.advance(59);
    expect(await loop.runOnce()).toBe('idle');
    clock.advance(1);
    expect(await loop.runOnce()).toBe('sent');
    expect(retries).toEqual([30_000, 60_000]);
    expect(mailer.sent).toHaveLength(1);
    expect(store.state.mailDeliveries[0]).toMatchObject({ status: 'sent', attempts: 3, lastError: '451 4.3.0 try again later' });
  });

  it('marks an email failed after its last attempt, and tells once', async () => {
    const { store, clock, mailer, loop, failed } = await setup({ maxAttempts: 3 });
    mailer.refuseNext = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i += 1) {
      await loop.drain();
      clock.advance(3_600);
    }
    expect(failed.map((mail) => mail.attempt)).toEqual([3]);
    expect(store.state.mailDeliveries[0]).toMatchObject({ status: 'failed', attempts: 3, request: null });
    expect(mailer.sent).toEqual([]);
  });

  it('fails without sending an email whose claims were abandoned past the last attempt (mailers that died holding it)', async () => {
    const { clock, mailer, loop, queue, failed } = await setup({ maxAttempts: 2, leaseMs: 1_000 });
    await queue.claimNext(1_000);
    clock.advance(1);
    await queue.claimNext(1_000);
    clock.advance(1);
    expect(await loop.runOnce()).toBe('failed');
    expect(failed.map((mail) => mail.attempt)).toEqual([3]);
    expect(mailer.sent).toEqual([]);
  });

  it('when the queue cannot be told an email was sent, tells it first on the next step instead of sending it again', async () => {
    const { store, clock, mailer, queue } = await setup();
    let refuseMark = true;
    const flaky: MailDeliveryQueue = {
      claimNext: (leaseMs) => queue.claimNext(leaseMs),
      retryLater: (mail, delayMs, error) => queue.retryLater(mail, delayMs, error),
      markFailed: (mail, error) => queue.markFailed(mail, error),
      markSent: async (mail) => {
        if (refuseMark) throw new Error('database away');
        await queue.markSent(mail);
      },
    };
    const loop = new MailerLoop({ queue: flaky, mailer, render, leaseMs: 1_000 });
    await expect(loop.runOnce()).rejects.toThrow('database away');
    refuseMark = false;
    clock.advance(1);
    expect(await loop.runOnce()).toBe('idle');
    expect(mailer.sent).toHaveLength(1);
    expect(store.state.mailDeliveries[0]).toMatchObject({ status: 'sent' });
  });

  it('runs in the background, and a wake delivers a newly queued email without waiting out the poll interval', async () => {
    const { store, mailer, loop } = await setup({ pollIntervalMs: 3_600_000 }, 0);
    loop.start();
    await store.mail.enqueue(passwordResetMail(7));
    loop.wake();
    while (mailer.sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await loop.stop();
    expect(store.state.mailDeliveries[0]).toMatchObject({ status: 'sent' });
  });
});
