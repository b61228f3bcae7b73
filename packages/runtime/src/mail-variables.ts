import { resolve } from 'node:path';
import { z } from 'zod';
import { integer } from './config-fields.js';

/** An `smtp://` or `smtps://` URL; like every config error, a wrong one is reported without its value (it may hold a password). */
const smtpUrl = () => z.string().regex(/^smtps?:\/\/[^\s/]+/, 'an smtp:// or smtps:// URL');

/** An http(s) link template that holds each of `placeholders`. */
const linkTemplate = (placeholders: readonly string[]) => {
  const error = `an http:// or https:// URL with ${placeholders.map((name) => `{${name}}`).join(' and ')}`;
  return z.string().refine((value) => /^https?:\/\/[^\s/]+/.test(value) && placeholders.every((name) => value.includes(`{${name}}`)), {
    error,
  });
};

/** How emails are sent, read the same way by the API (embedded mailer) and the worker (`mailer` role). */
export const mailVariables = {
  // Unset: each email is written as an .eml file to MAIL_DIR instead (Django's file backend).
  SMTP_URL: smtpUrl().optional(),
  MAIL_FROM: z.string().trim().min(1).default('webmaster@localhost'),
  // Unset: <DATA_DIR>/mail.
  MAIL_DIR: z.string().min(1).optional(),
  // Unset: the service's own host, http://localhost:<PORT>/...
  PASSWORD_RESET_URL: linkTemplate(['uid', 'token']).optional(),
  EMAIL_VERIFICATION_URL: linkTemplate(['key']).optional(),
  MAIL_MAX_ATTEMPTS: integer(1, 100).default(8),
  // Doubled after each failed attempt, up to 30 min: 8 attempts span about the hour a reset link lives.
  MAIL_RETRY_INITIAL_SECONDS: integer(1, 86_400).default(30),
  MAIL_POLL_INTERVAL_MS: integer(10, 600_000).default(1_000),
};

/** The mail variables, validated. */
export type MailVariables = z.output<z.ZodObject<typeof mailVariables>>;

/** The mail settings with every default filled in, as the mailer and its rendering take them. */
export interface MailSettings {
  /** Null: `.eml` files in `mailDir`. */
  readonly smtpUrl: string | null;
  /** Absolute. */
  readonly mailDir: string;
  readonly from: string;
  readonly passwordResetUrl: string;
  readonly emailVerificationUrl: string;
  readonly maxAttempts: number;
  readonly retryInitialMs: number;
  readonly pollIntervalMs: number;
}

/** The API's port when none is known, as the API's own PORT default. */
const DEFAULT_API_PORT = 8000;

/**
 * Fills in the defaults that depend on other settings: the folder from DATA_DIR, the links from
 * the API's port (`apiPort`, when this process knows it; 0, an ephemeral port, says nothing).
 */
export function mailSettings(config: MailVariables & { readonly DATA_DIR: string }, apiPort: number | undefined): MailSettings {
  const site = `http://localhost:${apiPort || DEFAULT_API_PORT}`;
  return {
    smtpUrl: config.SMTP_URL ?? null,
    mailDir: resolve(config.MAIL_DIR ?? resolve(config.DATA_DIR, 'mail')),
    from: config.MAIL_FROM,
    passwordResetUrl: config.PASSWORD_RESET_URL ?? `${site}/password-reset/{uid}/{token}/`,
    emailVerificationUrl: config.EMAIL_VERIFICATION_URL ?? `${site}/verify-email/{key}/`,
    maxAttempts: config.MAIL_MAX_ATTEMPTS,
    retryInitialMs: config.MAIL_RETRY_INITIAL_SECONDS * 1000,
    pollIntervalMs: config.MAIL_POLL_INTERVAL_MS,
  };
}
