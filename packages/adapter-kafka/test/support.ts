import { randomUUID } from 'node:crypto';
import { EVENT_VERSION, type EventOf, type EventPayloads, type EventType } from '@authsvc/domain';

/** Builds a domain event exactly as the domain types it, as the use cases' `makeEvent` does. */
export function domainEvent<T extends EventType>(type: T, userId: number | null, data: EventPayloads[T]): EventOf<T> {
  return {
    id: randomUUID(),
    type,
    version: EVENT_VERSION,
    occurredAt: new Date(),
    userId,
    metadata: { ip: '127.0.0.1', userAgent: 'vitest', requestId: randomUUID() },
    data,
  };
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
