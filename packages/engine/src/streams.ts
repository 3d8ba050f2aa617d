import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { DirectoryEvent, DirectoryId, DirectoryState, Directories, UserEvent, UserId, UserState } from '@takeover/core';
import { decodeDirectoryEvent, decodeUserEvent, directoriesFrom, directoryDecider, fold, userDecider } from '@takeover/core';
import type { EventDecoder, EventStore, EventToAppend, StreamVersion } from '@takeover/event-store';
import type { StoreFailed } from './errors.js';
import { storeFailed } from './errors.js';

export const userStream = (id: UserId): string => `user-${id}`;
export const directoryStream = (id: DirectoryId): string => `directory-${id}`;

/** Core's decoders as the store's `EventDecoder` (decoded once, at the edge). */
export const userEventDecoder: EventDecoder<UserEvent> = { decode: (raw) => decodeUserEvent(raw) };
export const directoryEventDecoder: EventDecoder<DirectoryEvent> = { decode: (raw) => decodeDirectoryEvent(raw) };

export interface Loaded<S> {
  readonly state: S;
  /** Pass as the expected version of the next append. */
  readonly version: StreamVersion;
}

const read = <Ev, S>(
  store: EventStore,
  streamId: string,
  decoder: EventDecoder<Ev>,
  decider: { evolve: (s: S, e: Ev) => S; initialState: S; evolveAll?: (s: S, es: ReadonlyArray<Ev>) => S },
): TE.TaskEither<StoreFailed, Loaded<S>> =>
  pipe(
    store.readStream(streamId, { decoder }),
    TE.mapLeft(storeFailed),
    TE.map((recorded) => ({
      state: fold(
        decider,
        recorded.map((r) => r.event),
      ),
      version: recorded.length === 0 ? ('no-stream' as const) : (recorded[recorded.length - 1]?.revision ?? 'no-stream'),
    })),
  );

const catchUp = <Ev, S>(
  store: EventStore,
  streamId: string,
  decoder: EventDecoder<Ev>,
  decider: { evolve: (s: S, e: Ev) => S; initialState: S; evolveAll?: (s: S, es: ReadonlyArray<Ev>) => S },
  from: Loaded<S>,
): TE.TaskEither<StoreFailed, Loaded<S>> =>
  pipe(
    store.readStream(streamId, { decoder, from: from.version === 'no-stream' ? 0 : from.version + 1 }),
    TE.mapLeft(storeFailed),
    TE.map((recorded) =>
      recorded.length === 0
        ? from
        : {
            state: fold(
              decider,
              recorded.map((r) => r.event),
              from.state,
            ),
            version: recorded[recorded.length - 1]?.revision ?? from.version,
          },
    ),
  );

/** A loaded user brought up to date: reads only the events after `from.version` (usually none) and folds them onto its state. */
export const catchUpUser = (store: EventStore, id: UserId, from: Loaded<UserState>): TE.TaskEither<StoreFailed, Loaded<UserState>> =>
  catchUp(store, userStream(id), userEventDecoder, userDecider, from);

/** A loaded directory brought up to date (reads what follows its version). */
export const catchUpDirectory = (
  store: EventStore,
  id: DirectoryId,
  from: Loaded<DirectoryState>,
): TE.TaskEither<StoreFailed, Loaded<DirectoryState>> => catchUp(store, directoryStream(id), directoryEventDecoder, directoryDecider, from);

export const loadUser = (store: EventStore, id: UserId): TE.TaskEither<StoreFailed, Loaded<UserState>> =>
  read(store, userStream(id), userEventDecoder, userDecider);

export const loadDirectory = (store: EventStore, id: DirectoryId): TE.TaskEither<StoreFailed, Loaded<DirectoryState>> =>
  read(store, directoryStream(id), directoryEventDecoder, directoryDecider);

/** The connected directories among `ids` (a user's bindings, plus the one a command names). */
export const loadDirectories = (store: EventStore, ids: ReadonlyArray<DirectoryId>): TE.TaskEither<StoreFailed, Directories> =>
  pipe(
    [...new Set(ids)].map((id) =>
      pipe(
        loadDirectory(store, id),
        TE.map((l) => l.state),
      ),
    ),
    TE.sequenceArray,
    TE.map((states) => directoriesFrom(states)),
  );

export const directoryIdsOf = (state: UserState): ReadonlyArray<DirectoryId> =>
  state.status === 'absent' ? [] : (Object.keys(state.bindings) as DirectoryId[]);

/** A decided event as the store takes it: its id is the deterministic `metadata.eventId`. */
export const toAppend = (event: {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: { readonly eventId?: string };
}): EventToAppend => {
  const id = event.metadata?.eventId;
  if (id === undefined) throw new Error(`decided ${event.type} without metadata.eventId`);
  return { id, type: event.type, data: event.data, metadata: event.metadata };
};
