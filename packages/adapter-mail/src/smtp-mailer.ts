import type { Mailer, OutgoingEmail } from '@authsvc/domain';
import { createTransport, type Transporter } from 'nodemailer';

/**
 * Timeouts of one send, all well inside the mailer's lease (5 min): a server that stops answering
 * fails the attempt, to be retried, rather than holding the email past the lease.
 */
const TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 };

/** `Mailer` through an SMTP server, with nodemailer: `smtp://user:pass@host:port`, or `smtps://` for TLS from the first byte. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  /** Sends through the server of `url`; each send opens its own connection, so a broken one never lingers. */
  constructor(url: string) {
    this.transport = createTransport({ url, ...TIMEOUTS });
  }

  /** Resolves once the server accepted the message (250 after DATA); rejects with its reply otherwise. */
  async send(email: OutgoingEmail): Promise<void> {
    await this.transport.sendMail({
      messageId: email.messageId,
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
    });
  }

  /** Closes whatever connection is still open. */
  close(): void {
    this.transport.close();
  }
}

/** The SMTP server of `url` as a log may show it: scheme, user, host and port, never the password. */
export function describeSmtpUrl(url: string): string {
  const parsed = new URL(url);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  return `${parsed.protocol}//${user}${parsed.host}`;
}
