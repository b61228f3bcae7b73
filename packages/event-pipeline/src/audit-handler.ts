import type { AuditLog } from '@authsvc/domain';
import type { DomainEventHandler } from './in-process-dispatcher.js';

/** The audit consumer's work: every event into the audit log, once per id however often it arrives. */
export function auditHandler(auditLog: AuditLog): DomainEventHandler {
  return async (event) => {
    await auditLog.append(event);
  };
}
