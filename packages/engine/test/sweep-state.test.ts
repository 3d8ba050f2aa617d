// The sweep's cursor stores the engine ships: in memory (tests, small embedders) and the stream
// fallback used when a host gives none (one event per round on `external-sweep-<directoryId>`).
import { inMemoryEventStore } from '@takeover/event-store';
import { inMemorySweepCursors, streamSweepCursors, systemClock } from '@takeover/engine';
import { sweepCursorContract } from '@takeover/engine/testing';

sweepCursorContract('in memory', {
  forgetsOnReopen: true,
  setup: () => {
    const cursors = inMemorySweepCursors();
    return Promise.resolve({ cursors, reopen: () => Promise.resolve(cursors), stop: () => Promise.resolve() });
  },
});

sweepCursorContract('the stream fallback (an event per round)', {
  setup: () => {
    const store = inMemoryEventStore();
    return Promise.resolve({
      cursors: streamSweepCursors(store, systemClock),
      reopen: () => Promise.resolve(streamSweepCursors(store, systemClock)),
      stop: () => store.close(),
    });
  },
});
