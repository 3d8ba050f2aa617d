import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Directories, DirectoryId, DirectoryState } from '@takeover/core';
import { directoriesFrom, directoryDecider } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import type { StoreFailed } from './errors.js';
import type { Clock } from './ports.js';
import type { Loaded } from './streams.js';
import { catchUpDirectory } from './streams.js';

/**
 * The directories' states, kept per engine. A directory stream is read from its start once; after
 * that, `current` reads only what follows the cached version (an indexed read that finds nothing
 * unless the directory changed, here or on another instance), so a decision that depends on a
 * directory's policy never uses one older than the moment it is made. `cached` answers without
 * reading when the entry was brought up to date within `maxAgeMs` (default 5 s), for steps whose
 * outcome is checked again where it matters (a push's lease brings its directory up to date).
 */
export interface DirectoryCache {
  /** The connected directories among `ids`, each brought up to date with the store. */
  readonly current: (ids: ReadonlyArray<DirectoryId>) => TaskEither<StoreFailed, Directories>;
  /** As cached if brought up to date within `maxAgeMs`; otherwise (or not cached yet) read. */
  readonly cached: (ids: ReadonlyArray<DirectoryId>) => TaskEither<StoreFailed, Directories>;
  /**
   * `cached` without a Promise: the directories among `ids` if every one was brought up to date
   * within `maxAgeMs`, else `undefined` (then call `cached`). For the hot path of a command.
   */
  readonly peek?: (ids: ReadonlyArray<DirectoryId>) => Directories | undefined;
  /** Drops a directory (after this instance changed it): the next use reads it again. */
  readonly forget: (id: DirectoryId) => void;
}

const EMPTY: Loaded<DirectoryState> = { state: directoryDecider.initialState, version: 'no-stream' };

export const directoryCache = (store: EventStore, clock: Clock, maxAgeMs = 5_000): DirectoryCache => {
  const entries = new Map<DirectoryId, Loaded<DirectoryState>>();
  const checkedAt = new Map<DirectoryId, number>();
  const later = (a: Loaded<DirectoryState>, b: Loaded<DirectoryState> | undefined): Loaded<DirectoryState> =>
    b === undefined || b.version === 'no-stream' || (a.version !== 'no-stream' && a.version >= b.version) ? a : b;
  const refresh = async (id: DirectoryId): Promise<E.Either<StoreFailed, DirectoryState>> => {
    const asked = clock.now();
    const r = await catchUpDirectory(store, id, entries.get(id) ?? EMPTY)();
    if (E.isLeft(r)) return r;
    const kept = later(r.right, entries.get(id)); // a parallel refresh may have stored a newer one
    entries.set(id, kept);
    checkedAt.set(id, Math.max(asked, checkedAt.get(id) ?? asked));
    return E.right(kept.state);
  };
  const many =
    (
      ids: ReadonlyArray<DirectoryId>,
      one: (id: DirectoryId) => Promise<E.Either<StoreFailed, DirectoryState>>,
    ): TaskEither<StoreFailed, Directories> =>
    async () => {
      const states = await Promise.all([...new Set(ids)].map(one));
      const failed = states.find(E.isLeft);
      if (failed !== undefined) return failed;
      return E.right(directoriesFrom(states.flatMap((s) => (E.isRight(s) ? [s.right] : []))));
    };
  return {
    current: (ids) => many(ids, refresh),
    cached: (ids) =>
      many(ids, async (id) => {
        const hit = entries.get(id);
        return hit === undefined || clock.now() - (checkedAt.get(id) ?? 0) > maxAgeMs ? refresh(id) : E.right(hit.state);
      }),
    peek: (ids) => {
      const now = clock.now();
      const states: DirectoryState[] = [];
      for (const id of ids) {
        const hit = entries.get(id);
        if (hit === undefined || now - (checkedAt.get(id) ?? 0) > maxAgeMs) return undefined;
        states.push(hit.state);
      }
      return directoriesFrom(states);
    },
    forget: (id) => {
      entries.delete(id);
      checkedAt.delete(id);
    },
  };
};
