import type { DomainEvent } from '@authsvc/domain';
import type { OutboxPayload } from './database.js';

/**
 * The JSON stored in `outbox.payload`: the whole event, metadata and data included, with its time
 * as an ISO-8601 string (JSON has no dates). The relay can publish it as it is.
 */
export function toOutboxPayload(event: DomainEvent): OutboxPayload {
  return {
    id: event.id,
    type: event.type,
    version: event.version,
    occurredAt: event.occurredAt.toISOString(),
    userId: event.userId,
    metadata: { ip: event.metadata.ip, userAgent: event.metadata.userAgent, requestId: event.metadata.requestId },
    data: event.data,
  };
}

/**
 * Rebuilds the `DomainEvent` a payload was made from. The payload is trusted: only
 * {@link toOutboxPayload} writes it, in this package, so it is not validated again here.
 */
export function fromOutboxPayload(payload: OutboxPayload): DomainEvent {
  return {
    id: payload.id,
    type: payload.type,
    version: payload.version,
    occurredAt: new Date(payload.occurredAt),
    userId: payload.userId,
    metadata: { ...payload.metadata },
    data: payload.data,
  } as DomainEvent;
}
