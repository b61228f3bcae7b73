import type { DomainEvent } from '@authsvc/domain';
import { describeEventPublisherContract } from '@authsvc/testing';
import { InProcessEventDispatcher } from '../src/index.js';

describeEventPublisherContract('InProcessEventDispatcher', async () => {
  const received: DomainEvent[] = [];
  const publisher = new InProcessEventDispatcher({ audit: async (event) => void received.push(event) });
  return { publisher, received: async () => [...received] };
});
