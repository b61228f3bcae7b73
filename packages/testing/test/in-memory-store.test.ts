import { InMemoryStore } from '../src/index.js';
import { describePortContract } from '../src/port-contract-suite.js';

describePortContract('in-memory', async () => {
  const store = new InMemoryStore();
  return {
    users: store.users,
    tokens: store.tokens,
    codes: store.codes,
    unitOfWork: store,
    outboxEvents: async () => store.state.outbox,
    queuedMail: async () => store.state.mail,
  };
});
