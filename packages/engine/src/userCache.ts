import type { UserId, UserState } from '@takeover/core';
import type { Loaded } from './streams.js';

/**
 * The last state this engine saw of its most recently used users, bounded (least recently used out).
 * A command starts from it instead of reading the stream: it is safe because every command appends
 * with the expected version, so a state another writer has moved past makes the append conflict,
 * and the engine then reads only the events after it (and a refusal or a no-op decided on a cached
 * state is checked against the stream before it is answered).
 */
export interface UserCache {
  readonly get: (id: UserId) => Loaded<UserState> | undefined;
  /** Keeps `loaded` unless a later version is cached already. */
  readonly put: (id: UserId, loaded: Loaded<UserState>) => void;
  readonly size: () => number;
}

const versionOf = (l: Loaded<UserState>): number => (l.version === 'no-stream' ? -1 : l.version);

export const userCache = (maxUsers: number): UserCache => {
  const entries = new Map<UserId, Loaded<UserState>>();
  return {
    get: (id) => {
      const hit = entries.get(id);
      if (hit !== undefined) {
        entries.delete(id);
        entries.set(id, hit);
      }
      return hit;
    },
    put: (id, loaded) => {
      if (maxUsers <= 0 || loaded.state.status === 'absent') return;
      const had = entries.get(id);
      if (had !== undefined && versionOf(had) > versionOf(loaded)) return;
      entries.delete(id);
      entries.set(id, loaded);
      if (entries.size > maxUsers) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
    size: () => entries.size,
  };
};
