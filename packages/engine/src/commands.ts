import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type {
  DirectoryCommand,
  DirectoryEvent,
  DirectoryId,
  DirectoryState,
  Directories,
  UserCommand,
  UserContext,
  UserEvent,
  UserState,
} from '@takeover/core';
import { directoryDecider, fold, userDecider } from '@takeover/core';
import type { EventStore, StreamVersion } from '@takeover/event-store';
import { isVersionConflict } from '@takeover/event-store';
import type { EngineError, StoreFailed } from './errors.js';
import { rejected, storeFailed, tooManyConflicts } from './errors.js';
import type { DirectoryCache } from './directoryCache.js';
import type { Loaded } from './streams.js';
import { catchUpUser, directoryIdsOf, directoryStream, loadDirectories, loadDirectory, loadUser, toAppend, userStream } from './streams.js';

export interface UserHandled {
  /** The events this command appended (`[]`: the state already satisfied it). */
  readonly events: ReadonlyArray<UserEvent>;
  readonly state: UserState;
  readonly version: StreamVersion;
  readonly directories: Directories;
}

/** How a command meets other writers: re-read what they appended and decide again, after a jittered, growing pause. */
export interface ConflictRetries {
  /** Decide-and-append rounds in all (default 8). */
  readonly attempts: number;
  /** The first pause's upper bound (default 5 ms); doubling each round up to `maxDelayMs` (default 250 ms); each pause is drawn at random below its bound ("full jitter"). */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_CONFLICT_RETRIES: ConflictRetries = { attempts: 8, initialDelayMs: 5, maxDelayMs: 250 };

export interface CommandOptions {
  readonly store: EventStore;
  readonly context: Omit<UserContext, 'directories'>;
  /** Rounds on `VersionConflict` (default 5 without `conflicts`). Kept for callers of this function; the engine passes `conflicts`. */
  readonly maxAttempts?: number;
  /** The engine's one conflict-retry policy (`EngineOptions.conflictRetries`). */
  readonly conflicts?: ConflictRetries;
  /** Where the directories come from (default: read from the store each time). */
  readonly directories?: DirectoryCache;
  /**
   * `current` (default): the directories the decision depends on are brought up to date first;
   * `cached`: as last seen by this engine; `{ current: ids }`: those brought up to date, the others as cached.
   */
  readonly directoryFreshness?: 'current' | 'cached' | { readonly current: ReadonlyArray<DirectoryId> };
  /** The user as the caller last saw it (e.g. the state a previous command appended at): no read unless the store has moved on (a conflict). */
  readonly from?: Loaded<UserState>;
}

const pause = (retries: ConflictRetries, attempt: number): Promise<void> => {
  const bound = Math.min(retries.maxDelayMs, retries.initialDelayMs * 2 ** (attempt - 1));
  return new Promise((resolve) => {
    setTimeout(resolve, Math.random() * bound);
  });
};

/**
 * Decide on the user's state and the directories it names, append with the expected version. The
 * state is read from the stream's start only when the caller has none (`from`); on a conflict (or a
 * rejection decided on a state the caller handed in), only the events appended since are read and
 * folded on, and the command is decided again (`conflicts`: bounded, with jittered backoff). Event
 * ids derive from the command id, so a command retried after a lost acknowledgement appends nothing twice.
 */
export const handleUserCommand =
  (options: CommandOptions, command: UserCommand): TaskEither<EngineError, UserHandled> =>
  async () => {
    const { store } = options;
    const retries = options.conflicts ?? { ...DEFAULT_CONFLICT_RETRIES, attempts: options.maxAttempts ?? 5 };
    const streamId = userStream(command.userId);
    const named = 'directoryId' in command && command.directoryId !== undefined ? [command.directoryId] : [];
    const cache = options.directories;
    const freshness = options.directoryFreshness ?? 'current';
    const directoriesOf = async (ids: ReadonlyArray<DirectoryId>): Promise<E.Either<StoreFailed, Directories>> => {
      if (cache === undefined) return loadDirectories(store, ids)();
      if (freshness === 'current') return cache.current(ids)();
      if (freshness === 'cached') return cache.cached(ids)();
      const [fresh, rest] = [ids.filter((id) => freshness.current.includes(id)), ids.filter((id) => !freshness.current.includes(id))];
      const [a, b] = await Promise.all([cache.current(fresh)(), cache.cached(rest)()]);
      return E.isLeft(a) ? a : E.isLeft(b) ? b : E.right({ ...b.right, ...a.right });
    };
    let loaded: Loaded<UserState>;
    let verified = options.from === undefined; // the state was read just now, not handed in
    if (options.from === undefined) {
      const read = await loadUser(store, command.userId)();
      if (E.isLeft(read)) return read;
      loaded = read.right;
    } else loaded = options.from;
    for (let attempt = 1; attempt <= retries.attempts; attempt++) {
      const ids = [...directoryIdsOf(loaded.state), ...named];
      // As cached and fresh enough: no Promise on the way (a login's path).
      const peeked = freshness === 'cached' ? cache?.peek?.(ids) : undefined;
      const directories = peeked === undefined ? await directoriesOf(ids) : E.right(peeked);
      if (E.isLeft(directories)) return directories;
      const decided = userDecider.decide(command, loaded.state, { ...options.context, directories: directories.right });
      if (E.isLeft(decided) || decided.right.length === 0) {
        if (!verified) {
          // Decided on a state handed in: make sure it is the stream's, then decide once more.
          verified = true;
          const newer = await catchUpUser(store, command.userId, loaded)();
          if (E.isLeft(newer)) return newer;
          if (newer.right.version !== loaded.version) {
            loaded = newer.right;
            attempt--;
            continue;
          }
        }
        if (E.isLeft(decided)) return E.left(rejected(decided.left));
        return E.right({ events: [], state: loaded.state, version: loaded.version, directories: directories.right });
      }
      const appended = await store.appendToStream(streamId, decided.right.map(toAppend), { expectedVersion: loaded.version })();
      if (E.isLeft(appended)) {
        if (!isVersionConflict(appended.left)) return E.left(storeFailed(appended.left));
        if (attempt < retries.attempts) await pause(retries, attempt);
        const newer = await catchUpUser(store, command.userId, loaded)();
        if (E.isLeft(newer)) return newer;
        loaded = newer.right;
        verified = true;
        continue;
      }
      const state = fold(userDecider, decided.right, loaded.state);
      return E.right({ events: decided.right, state, version: appended.right.nextExpectedVersion, directories: directories.right });
    }
    return E.left(tooManyConflicts(streamId, retries.attempts));
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
