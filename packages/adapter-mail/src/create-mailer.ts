import type { Mailer, OutgoingEmail, QueuedMail } from '@authsvc/domain';
import { renderMail, type MailTemplates } from './render-mail.js';
import { FileMailer } from './file-mailer.js';
import { describeSmtpUrl, SmtpMailer } from './smtp-mailer.js';

/** Where emails go: an SMTP server when one is configured, otherwise `.eml` files in a folder. */
export interface MailBackendSettings {
  /** `smtp://` or `smtps://` URL; null writes files instead. */
  readonly smtpUrl: string | null;
  /** The folder of the `.eml` files, absolute. */
  readonly mailDir: string;
}

/** The chosen mailer, and what a start log says about it (never the SMTP password). */
export interface MailBackend {
  readonly mailer: Mailer;
  readonly description: string;
  /** Closes the SMTP connection, if any. */
  close(): void;
}

/** Picks the mailer as Django picks its email backend: SMTP when configured, otherwise the file backend. */
export function createMailBackend(settings: MailBackendSettings): MailBackend {
  if (settings.smtpUrl === null) {
    return { mailer: new FileMailer(settings.mailDir), description: `.eml files in ${settings.mailDir} (no SMTP_URL)`, close: () => {} };
  }
  const smtp = new SmtpMailer(settings.smtpUrl);
  return { mailer: smtp, description: `SMTP to ${describeSmtpUrl(settings.smtpUrl)}`, close: () => smtp.close() };
}

/** How hard a mailer tries: attempts, the first retry's wait, and its poll of an idle queue. */
export interface MailRetrySettings {
  readonly maxAttempts: number;
  readonly retryInitialMs: number;
  readonly pollIntervalMs: number;
}

/** A mailer loop's sending options from the backend and the settings, one way for the API and the worker. */
export function mailDeliveryOptions(backend: MailBackend, settings: MailTemplates & MailRetrySettings) {
  return {
    mailer: backend.mailer,
    render: (queued: QueuedMail): OutgoingEmail => renderMail(queued, settings),
    maxAttempts: settings.maxAttempts,
    retryInitialMs: settings.retryInitialMs,
    pollIntervalMs: settings.pollIntervalMs,
  };
}
