import type { DomainEvent } from '../events.js';
import type { AuditLog, UserRepository } from '../ports/index.js';

/** What listing a user's audit trail needs. */
export interface AuditDependencies {
  readonly users: Pick<UserRepository, 'findByEmail'>;
  readonly auditLog: AuditLog;
}

/**
 * The recorded events of the account with this email, oldest first (with `limit`, the newest that many). Events that carry
 * the email but no account (failed logins for an unknown address, or before registration) are
 * included, since an auditor asking about an address wants those too.
 */
export const listAuditEvents =
  (deps: AuditDependencies) =>
  async (email: string, limit?: number): Promise<DomainEvent[]> => {
    const user = await deps.users.findByEmail(email);
    return deps.auditLog.listFor({ userId: user?.id ?? null, email }, limit);
  };
