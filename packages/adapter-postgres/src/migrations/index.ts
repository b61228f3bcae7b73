import type { Migration } from 'kysely/migration';
import { createUsers } from './0001-create-users.js';
import { createTokens } from './0002-create-tokens.js';
import { createOutbox } from './0003-create-outbox.js';
import { createAuditLog } from './0004-create-audit-log.js';
import { createThrottles } from './0005-create-throttles.js';
import { normalizeEmails } from './0006-normalize-emails.js';
import { createMailQueue } from './0007-create-mail-queue.js';
import { accountLifecycle } from './0008-account-lifecycle.js';

/**
 * Every migration, by name. Kysely runs them in the order of their names, so the names start with
 * a zero-padded number; a new migration takes the next one and is never renamed once released.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001_create_users': createUsers,
  '0002_create_tokens': createTokens,
  '0003_create_outbox': createOutbox,
  '0004_create_audit_log': createAuditLog,
  '0005_create_throttles': createThrottles,
  '0006_normalize_emails': normalizeEmails,
  '0007_create_mail_queue': createMailQueue,
  '0008_account_lifecycle': accountLifecycle,
};
