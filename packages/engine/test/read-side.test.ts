import { auditLog, portalNotifications, runReadModels, syncStatusView, whyView } from '@takeover/engine';
import type { Recorded } from '@takeover/engine';
import type { ReadSideSubject } from '@takeover/engine/testing';
import { readSideContract } from '@takeover/engine/testing';
import { inMemoryEventStore } from '@takeover/event-store';
import type { EventStore } from '@takeover/event-store';

// The in-memory views keep nothing across a restart: they are rebuilt from the start of the store.
const inMemorySubject = (store: EventStore): ReadSideSubject => {
  const views = { audit: auditLog(), notifications: portalNotifications(), why: whyView(), health: syncStatusView() };
  const models = Object.values(views);
  let delivered = 0;
  const counted = {
    apply: (events: ReadonlyArray<Recorded>) => {
      delivered += events.length;
      for (const m of models) m.apply(events);
    },
  };
  const running = runReadModels(store, [counted], { pollIntervalMs: 10 });
  return {
    store,
    ...views,
    catchUp: running.catchUp,
    deliver: (events) => {
      for (const m of models) m.apply(events);
      return Promise.resolve();
    },
    restart: async () => {
      await running.stop();
      return inMemorySubject(store);
    },
    delivered: () => delivered,
    stop: running.stop,
  };
};

readSideContract('in-memory', { rebuildsOnRestart: true, setup: () => Promise.resolve(inMemorySubject(inMemoryEventStore())) });
