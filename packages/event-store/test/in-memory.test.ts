import { inMemoryCheckpointStore, inMemoryEventStore } from '@takeover/event-store';
import { eventStoreContract } from '@takeover/event-store/testing';

eventStoreContract('in-memory', {
  setup: () => {
    const store = inMemoryEventStore();
    return Promise.resolve({
      store,
      checkpoints: inMemoryCheckpointStore(),
      plantCorruptEvent: (streamId: string) => {
        store.unsafeAppendRaw(streamId, { id: `corrupt-${streamId}`, type: 'Counted', data: '{"n": not json', metadata: '{}' });
        return Promise.resolve();
      },
    });
  },
});
