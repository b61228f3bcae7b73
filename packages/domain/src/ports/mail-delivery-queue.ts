import type { MailRequest } from './mail-queue.js';

/** A queued email a mailer has claimed: its id (also its Message-ID), what to send, and which attempt this is. */
export interface QueuedMail {
  /** The queue's id of the message; every attempt sends it with the same Message-ID. */
  readonly id: string;
  readonly request: MailRequest;
  /** 1 for the first attempt; a claim that was never settled (a crashed mailer) counts too. */
  readonly attempt: number;
}

/**
 * The mail queue as a mailer sees it. A claim leases one due message, so two mailers never send it
 * at once; the mailer then settles it: sent, due again later, or failed. A mailer that dies holding
 * a lease leaves the message to be claimed again once the lease has run out (at least once).
 *
 * Settling is fenced by the attempt: a mailer whose lease ran out and whose message another mailer
 * has claimed since cannot reschedule or fail it; only "sent" always wins, since the email is out.
 */
export interface MailDeliveryQueue {
  /** Leases the oldest due pending message for `leaseMs` and counts the attempt; null when none is due. */
  claimNext(leaseMs: number): Promise<QueuedMail | null>;
  /** Records that the server accepted the message, and erases its secret from the queue. */
  markSent(mail: QueuedMail): Promise<void>;
  /** Releases the message to be claimed again `delayMs` from now, recording why this attempt failed. */
  retryLater(mail: QueuedMail, delayMs: number, error: string): Promise<void>;
  /** Gives the message up for good, recording why, and erases its secret. */
  markFailed(mail: QueuedMail, error: string): Promise<void>;
}
