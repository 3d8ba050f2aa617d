// The host's own read model: every user folded with the core's `evolve`, for the console's search
// (email, names) and the home page. In memory, rebuilt from the store at each start.
import type { ExistingUser, UserEvent, UserId, UserState } from '@takeover/core';
import { currentBindings, userDecider } from '@takeover/core';
import type { ReadModel, Recorded } from '@takeover/engine';
import type { UserSummary } from './HostApp.js';

export interface UsersIndex extends ReadModel {
  readonly search: (query: { readonly q?: string; readonly limit?: number; readonly offset?: number }) => {
    readonly total: number;
    readonly users: ReadonlyArray<UserSummary>;
  };
  readonly get: (userId: UserId) => ExistingUser | undefined;
  readonly count: () => number;
}

export const displayNameOf = (u: ExistingUser): string =>
  u.attributes.displayName ?? `${u.attributes.givenName} ${u.attributes.familyName}`;

export const summaryOf = (u: ExistingUser): UserSummary => ({
  id: u.userId,
  email: u.attributes.email,
  displayName: displayNameOf(u),
  state: u.state,
  passwordStatus: u.passwordStatus,
  directories: currentBindings(u).map((b) => b.directoryId),
});

export const usersIndex = (): UsersIndex => {
  const users = new Map<UserId, UserState>();
  const seen = new Set<string>();
  const existing = (): ExistingUser[] => [...users.values()].filter((u): u is ExistingUser => u.status === 'present');
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        if (seen.has(r.id) || !r.streamId.startsWith('user-')) continue;
        seen.add(r.id);
        const e = r.event as UserEvent;
        const id = e.data.userId;
        users.set(id, userDecider.evolve(users.get(id) ?? userDecider.initialState, e));
      }
    },
    search: ({ q, limit = 50, offset = 0 }) => {
      const needle = (q ?? '').trim().toLowerCase();
      const matching = existing()
        .filter(
          (u) =>
            needle === '' ||
            [u.attributes.email, u.attributes.givenName, u.attributes.familyName, displayNameOf(u)].some((s) =>
              s.toLowerCase().includes(needle),
            ),
        )
        .sort((a, b) => a.attributes.email.localeCompare(b.attributes.email));
      const size = Number.isFinite(limit) ? Math.max(0, Math.min(200, Math.floor(limit))) : 50;
      const from = Number.isFinite(offset) ? Math.max(0, Math.floor(offset)) : 0;
      return { total: matching.length, users: matching.slice(from, from + size).map(summaryOf) };
    },
    get: (userId) => {
      const u = users.get(userId);
      return u?.status === 'present' ? u : undefined;
    },
    count: () => existing().length,
  };
};
