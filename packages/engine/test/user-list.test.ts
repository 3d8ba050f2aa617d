import { inMemoryUserList, rolloutStateOf, runReadModels } from '@takeover/engine';
import type { Recorded } from '@takeover/engine';
import type { UserListSubject } from '@takeover/engine/testing';
import { userListContract } from '@takeover/engine/testing';
import { inMemoryEventStore } from '@takeover/event-store';
import type { EventStore } from '@takeover/event-store';
import type { Clock } from '@takeover/engine';

// The in-memory view keeps nothing across a restart: it is rebuilt from the start of the store.
const inMemorySubject = (store: EventStore, clock: Clock): UserListSubject => {
  const view = inMemoryUserList({ clock });
  let delivered = 0;
  const counted = {
    apply: (events: ReadonlyArray<Recorded>) => {
      delivered += events.length;
      view.apply(events);
    },
  };
  const running = runReadModels(store, [counted], { pollIntervalMs: 10 });
  return {
    store,
    view,
    catchUp: running.catchUp,
    deliver: (events) => {
      view.apply(events);
      return Promise.resolve();
    },
    restart: async () => {
      await running.stop();
      return inMemorySubject(store, clock);
    },
    delivered: () => delivered,
    stop: running.stop,
  };
};

userListContract('in-memory', { rebuildsOnRestart: true, setup: (clock) => Promise.resolve(inMemorySubject(inMemoryEventStore(), clock)) });

test('rolloutStateOf: core SyncState in the console words (resolving waits as pending, blocked and failed are failing with the class)', () => {
  const b = { directoryId: 'google' as never, generation: 1, takeoverComplete: false };
  const failure = { class: 'permanent' as const, code: 'notFound', message: 'gone', at: '2026-01-01T00:00:00.000Z' as never };
  expect(rolloutStateOf({ ...b, state: 'resolving' })).toEqual({ sync: 'pending' });
  expect(rolloutStateOf({ ...b, state: 'unresolved', unresolved: { reason: 'not-found', detail: 'no account' } })).toEqual({
    sync: 'unresolved',
    reason: 'not-found',
  });
  expect(rolloutStateOf({ ...b, state: 'awaiting-login' })).toEqual({ sync: 'awaiting-first-login' });
  expect(rolloutStateOf({ ...b, state: 'awaiting-login', takeoverComplete: true })).toEqual({ sync: 'pending' });
  expect(rolloutStateOf({ ...b, state: 'owed', takeoverComplete: true })).toEqual({ sync: 'pending' });
  expect(rolloutStateOf({ ...b, state: 'blocked', lastFailure: failure })).toEqual({ sync: 'failing', reason: 'permanent' });
  expect(rolloutStateOf({ ...b, state: 'failed', lastFailure: { ...failure, class: 'retryable' } })).toEqual({
    sync: 'failing',
    reason: 'retryable',
  });
  expect(rolloutStateOf({ ...b, state: 'in-flight' })).toEqual({ sync: 'in-flight' });
  expect(rolloutStateOf({ ...b, state: 'paused' })).toEqual({ sync: 'paused' });
  // An active user who has not activated yet: the rollout waits for their first login, nothing is wrong.
  expect(rolloutStateOf({ ...b, state: 'paused' }, { state: 'active', passwordStatus: 'pending' })).toEqual({
    sync: 'awaiting-first-login',
  });
  expect(rolloutStateOf({ ...b, state: 'paused' }, { state: 'suspended', passwordStatus: 'pending' })).toEqual({ sync: 'paused' });
  expect(rolloutStateOf({ ...b, state: 'paused', takeoverComplete: true }, { state: 'active', passwordStatus: 'pending' })).toEqual({
    sync: 'paused',
  });
  expect(rolloutStateOf({ ...b, state: 'in-sync', takeoverComplete: true })).toEqual({ sync: 'in-sync' });
});
