import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type {
  DirectoryCommand,
  DirectoryEvent,
  DirectoryState,
  Directories,
  UserCommand,
  UserContext,
  UserEvent,
  UserState,
} from '@takeover/core';
import { directoryDecider, userDecider } from '@takeover/core';
import type { EventStore, StreamVersion } from '@takeover/event-store';
import { isVersionConflict } from '@takeover/event-store';
import type { EngineError } from './errors.js';
import { rejected, storeFailed, tooManyConflicts } from './errors.js';
import { directoryIdsOf, directoryStream, loadDirectories, loadDirectory, loadUser, toAppend, userStream } from './streams.js';

export interface UserHandled {
  /** The events this command appended (`[]`: the state already satisfied it). */
  readonly events: ReadonlyArray<UserEvent>;
  readonly state: UserState;
  readonly version: StreamVersion;
  readonly directories: Directories;
}

export interface CommandOptions {
  readonly store: EventStore;
  readonly context: Omit<UserContext, 'directories'>;
  /** Re-read and decide again this many times on `VersionConflict` (default 5). */
  readonly maxAttempts?: number;
}

/**
 * Read the user's stream and the directories it names, decide, append with the expected version;
 * on a conflict, re-read and decide again (bounded). Event ids derive from the command id, so a
 * command retried after a lost acknowledgement appends nothing twice.
 */
export const handleUserCommand =
  (options: CommandOptions, command: UserCommand): TaskEither<EngineError, UserHandled> =>
  async () => {
    const { store } = options;
    const attempts = options.maxAttempts ?? 5;
    const streamId = userStream(command.userId);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const loaded = await loadUser(store, command.userId)();
      if (E.isLeft(loaded)) return loaded;
      const named = 'directoryId' in command && command.directoryId !== undefined ? [command.directoryId] : [];
      const directories = await loadDirectories(store, [...directoryIdsOf(loaded.right.state), ...named])();
      if (E.isLeft(directories)) return directories;
      const decided = userDecider.decide(command, loaded.right.state, { ...options.context, directories: directories.right });
      if (E.isLeft(decided)) return E.left(rejected(decided.left));
      if (decided.right.length === 0)
        return E.right({ events: [], state: loaded.right.state, version: loaded.right.version, directories: directories.right });
      const appended = await store.appendToStream(streamId, decided.right.map(toAppend), { expectedVersion: loaded.right.version })();
      if (E.isLeft(appended)) {
        if (isVersionConflict(appended.left)) continue;
        return E.left(storeFailed(appended.left));
      }
      const state = decided.right.reduce(userDecider.evolve, loaded.right.state);
      return E.right({ events: decided.right, state, version: appended.right.nextExpectedVersion, directories: directories.right });
    }
    return E.left(tooManyConflicts(streamId, attempts));
  };

export interface DirectoryHandled {
  readonly events: ReadonlyArray<DirectoryEvent>;
  readonly state: DirectoryState;
}

export const handleDirectoryCommand =
  (store: EventStore, command: DirectoryCommand, maxAttempts = 5): TaskEither<EngineError, DirectoryHandled> =>
  async () => {
    const streamId = directoryStream(command.directoryId);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const loaded = await loadDirectory(store, command.directoryId)();
      if (E.isLeft(loaded)) return loaded;
      const decided = directoryDecider.decide(command, loaded.right.state);
      if (E.isLeft(decided)) return E.left(rejected(decided.left));
      if (decided.right.length === 0) return E.right({ events: [], state: loaded.right.state });
      const appended = await store.appendToStream(streamId, decided.right.map(toAppend), { expectedVersion: loaded.right.version })();
      if (E.isLeft(appended)) {
        if (isVersionConflict(appended.left)) continue;
        return E.left(storeFailed(appended.left));
      }
      return E.right({ events: decided.right, state: decided.right.reduce(directoryDecider.evolve, loaded.right.state) });
    }
    return E.left(tooManyConflicts(streamId, maxAttempts));
  };
