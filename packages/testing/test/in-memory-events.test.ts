import { InMemoryAuditLog, InMemoryEventPublisher, InMemoryMailDeliveryQueue, InMemoryOutboxQueue, InMemoryStore } from '../src/index.js';
import { describeAuditLogContract } from '../src/audit-log-contract-suite.js';
import { describeEventPublisherContract } from '../src/event-publisher-contract-suite.js';
import { describeOutboxQueueContract } from '../src/outbox-queue-contract-suite.js';
import { describeMailDeliveryQueueContract } from '../src/mail-delivery-queue-contract-suite.js';

describeAuditLogContract('in memory', async () => new InMemoryAuditLog());

describeOutboxQueueContract('in memory', async () => {
  const store = new InMemoryStore();
  return {
    queue: () => new InMemoryOutboxQueue(store),
    append: (events) => store.outbox.append(events),
    remaining: async () => [...store.state.outbox],
  };
});

describeEventPublisherContract('in memory', async () => {
  const publisher = new InMemoryEventPublisher();
  return { publisher, received: async () => [...publisher.published] };
});

describeMailDeliveryQueueContract('in memory', async () => {
  const store = new InMemoryStore();
  return {
    queue: (clock) => new InMemoryMailDeliveryQueue(store, clock),
    enqueue: async (requests) => {
      for (const request of requests) await store.mail.enqueue(request);
    },
    stored: async () =>
      store.state.mailDeliveries.map((record) => ({
        id: record.id,
        kind: record.kind,
        recipient: record.recipient,
        status: record.status,
        attempts: record.attempts,
        lastError: record.lastError,
        payload: record.request,
      })),
  };
});
