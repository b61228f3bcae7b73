import type { AuthEventJson } from '@authsvc/contracts';
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/**
 * A timestamp column: read back as a `Date` (pg parses `timestamptz`), written as a `Date`.
 * Strings are refused on purpose, so no local-time string slips in unparsed.
 */
export type Timestamp = ColumnType<Date, Date, Date>;

/** The `users` table: one row per account. Uniqueness of `email_normalized` is enforced by an index. */
export interface UsersTable {
  /** Identity column; `integer` so pg returns a JS number, never a string. */
  id: GeneratedAlways<number>;
  first_name: string;
  last_name: string;
  /** As registered, case kept; shown, never compared. */
  email: string;
  /** The domain's `normalizeEmail` of `email`: what lookups and uniqueness compare. */
  email_normalized: string;
  password_hash: string;
  is_active: Generated<boolean>;
  /** Null until the owner follows a verification link. */
  email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
}

/** The `tokens` table: one row per live login, keyed by the SHA-256 hex digest of its secret. */
export interface TokensTable {
  /** The public handle users list and revoke tokens by; the database makes one when none is given. */
  id: Generated<string>;
  digest: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** The client's address and user agent at login, or null when unknown. */
  ip: string | null;
  user_agent: string | null;
}

/** The `account_codes` table: one-time codes emailed for password resets and verification, by digest. */
export interface AccountCodesTable {
  digest: string;
  purpose: 'password_reset' | 'email_verification';
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/**
 * The `outbox` table: events written in the same transaction as the change they describe,
 * published later in `seq` order by a relay that deletes what it has sent.
 */
export interface OutboxTable {
  /** `bigint` identity: the publishing order. Parsed to a number by {@link createKysely}'s pool. */
  seq: GeneratedAlways<number>;
  /** The event id (a UUID): consumers deduplicate on it. */
  id: string;
  type: string;
  version: number;
  user_id: number | null;
  occurred_at: Timestamp;
  /**
   * The whole event envelope as JSON (the contracts' `encodeEvent`). Written as a JSON string so pg
   * does not mistake an array for a Postgres array literal; read back as unchecked JSON, for
   * `toDomainEvent` to parse.
   */
  payload: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

/** The JSON shape of an outbox row's payload: the contracts' event envelope, its time an ISO string. */
export type OutboxPayload = AuthEventJson;

/** The `audit_log` table: every event once, by id, as the audit consumer received it. */
export interface AuditLogTable {
  /** `bigint` identity: arrival order, breaking ties of `occurred_at`. */
  seq: GeneratedAlways<number>;
  event_id: string;
  type: string;
  version: number;
  user_id: number | null;
  /** The email the event carries (`user.registered`, `user.login_failed`), normalised for lookups, else null. */
  email: string | null;
  occurred_at: Timestamp;
  /** The whole event, in the outbox payload's shape; read back unchecked, as the outbox's is. */
  payload: ColumnType<unknown, string, string>;
  recorded_at: Generated<Date>;
}

/** The `throttles` table: one fixed-window request counter per scope and key, shared by every API instance. */
export interface ThrottlesTable {
  scope: string;
  key: string;
  hits: number;
  window_ends_at: Timestamp;
  blocked_until: Timestamp | null;
  /** The later of `window_ends_at` and `blocked_until`; the purge deletes rows past it. */
  expires_at: Timestamp;
}

/** The `mail_queue` table: emails queued by use cases in their transaction, delivered by a mailer. */
export interface MailQueueTable {
  /** Also the Message-ID of the email sent. */
  id: Generated<string>;
  kind: string;
  recipient: string;
  /** The domain's `MailRequest` as JSON (written as a string, read back unchecked). */
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<'pending' | 'sent' | 'failed', 'pending' | 'sent' | 'failed' | undefined, 'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Timestamp | null;
}

/** Every table of the service's schema, as Kysely sees it. */
export interface Database {
  users: UsersTable;
  tokens: TokensTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  throttles: ThrottlesTable;
  mail_queue: MailQueueTable;
  account_codes: AccountCodesTable;
}
