import { InMemoryThrottleStore } from '../src/index.js';
import { describeThrottleStoreContract } from '../src/throttle-store-contract-suite.js';

describeThrottleStoreContract('in-memory', async () => new InMemoryThrottleStore());
