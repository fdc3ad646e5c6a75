import { MemoryStateStore } from '../support/memoryStateStore';
import { CONTRACT_LIFETIMES, describeStateStoreContract } from './stateStoreContract';

// The unit tests' store keeps the contract too, so that what they prove holds on the real stores.
describeStateStoreContract('MemoryStateStore (unit tests only)', {
  open: () => Promise.resolve(new MemoryStateStore(CONTRACT_LIFETIMES)),
});
