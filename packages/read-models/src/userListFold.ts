// The projection's pure part: a batch folded over the tracked users and directories it touches.
import type { DirectoryId, DirectoryState, UserId } from '@takeover/core';
import { directoryDecider } from '@takeover/core';
import type { Recorded, TrackedUser } from '@takeover/engine';
import { trackUser } from '@takeover/engine';

export interface TrackedDirectory {
  readonly revision: number;
  readonly state: DirectoryState;
}

type DirectoryEvent = Extract<Recorded['event'], { type: 'DirectoryConnected' | 'DirectoryPolicyChanged' | 'DirectoryDisconnected' }>;
const isDirectoryEvent = (e: Recorded['event']): e is DirectoryEvent =>
  e.type === 'DirectoryConnected' || e.type === 'DirectoryPolicyChanged' || e.type === 'DirectoryDisconnected';

/** The users and directories a batch names (what to load before folding it). */
export const touchedBy = (
  events: ReadonlyArray<Recorded>,
): { readonly users: ReadonlyArray<UserId>; readonly directories: ReadonlyArray<DirectoryId> } => {
  const users = new Set<UserId>();
  const directories = new Set<DirectoryId>();
  for (const r of events) {
    if (isDirectoryEvent(r.event)) directories.add(r.event.data.directoryId);
    else users.add(r.event.data.userId);
  }
  return { users: [...users], directories: [...directories] };
};

export interface FoldedBatch {
  readonly users: ReadonlyMap<UserId, TrackedUser>;
  readonly directories: ReadonlyMap<DirectoryId, TrackedDirectory>;
  /** Users or directories the batch actually changed (events already applied are skipped by revision). */
  readonly changedUsers: ReadonlySet<UserId>;
  readonly changedDirectories: ReadonlySet<DirectoryId>;
}

/** Folds a batch in order over what was loaded; skips every event at or below the stream's applied revision. */
export const foldBatch = (
  events: ReadonlyArray<Recorded>,
  users: ReadonlyMap<UserId, TrackedUser>,
  directories: ReadonlyMap<DirectoryId, TrackedDirectory>,
): FoldedBatch => {
  const u = new Map(users);
  const d = new Map(directories);
  const changedUsers = new Set<UserId>();
  const changedDirectories = new Set<DirectoryId>();
  for (const r of events) {
    const e = r.event;
    if (isDirectoryEvent(e)) {
      const prev = d.get(e.data.directoryId);
      if (prev !== undefined && r.revision <= prev.revision) continue;
      d.set(e.data.directoryId, { revision: r.revision, state: directoryDecider.evolve(prev?.state ?? directoryDecider.initialState, e) });
      changedDirectories.add(e.data.directoryId);
    } else {
      const prev = u.get(e.data.userId);
      const next = trackUser(prev, r.revision, e);
      if (next !== prev) {
        u.set(e.data.userId, next);
        changedUsers.add(e.data.userId);
      }
    }
  }
  return { users: u, directories: d, changedUsers, changedDirectories };
};
