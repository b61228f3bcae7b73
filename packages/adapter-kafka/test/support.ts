import { randomUUID } from 'node:crypto';
import { EVENT_VERSION, type DomainEvent, type EventPayloads, type EventType } from '@authsvc/domain';

/**
 * Builds a domain event exactly as the domain types it, so passing it to the publisher also
 * checks, at compile time, that the contracts' wire type still accepts every domain event.
 */
export function domainEvent<T extends EventType>(type: T, userId: number | null, data: EventPayloads[T]): DomainEvent {
  return {
    id: randomUUID(),
    type,
    version: EVENT_VERSION,
    occurredAt: new Date(),
    userId,
    metadata: { ip: '127.0.0.1', userAgent: 'vitest', requestId: randomUUID() },
    data,
  } as DomainEvent;
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
