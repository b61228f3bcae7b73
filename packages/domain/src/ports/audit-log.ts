import type { DomainEvent } from '../events.js';

/** Whose events to list: an account, and the email given at failed logins (which may name no account). */
export interface AuditSubject {
  /** The account's id, or null when no account has the email. */
  readonly userId: number | null;
  /** Matched, as `normalizeEmail` compares, against the email the events carry. */
  readonly email: string;
}

/** An append-only record of every event, for auditors. */
export interface AuditLog {
  /** Stores the event unless one with its id is already stored; true when this call stored it. */
  append(event: DomainEvent): Promise<boolean>;
  /** The subject's events (by user id, or by the email they carry), oldest first; with `limit`, only the newest that many. */
  listFor(subject: AuditSubject, limit?: number): Promise<DomainEvent[]>;
}
