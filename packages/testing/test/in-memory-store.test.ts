import { InMemoryStore } from '../src/index.js';
import { describePortContract } from '../src/port-contract-suite.js';

describePortContract('in-memory', async () => {
  const store = new InMemoryStore();
  return { users: store.users, tokens: store.tokens, unitOfWork: store, outboxEvents: async () => store.state.outbox };
});
