// How a user reads in the console and the portal. The console's list itself is the engine's
// `UserListView`, kept in the database by @takeover/read-models (wiring/readModels.ts).
import type { ExistingUser } from '@takeover/core';
import { currentBindings } from '@takeover/core';
import type { UserListPage, UserListQuery, UserListRow, UserListView } from '@takeover/engine';
import type { UserListEntry, UserSummary } from './hostApp.js';

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

const summaryOfRow = (r: UserListRow): UserSummary => ({
  id: r.userId,
  email: r.email,
  displayName: r.displayName,
  state: r.state,
  passwordStatus: r.passwordStatus,
  directories: r.directories.map((d) => d.directoryId),
});

/**
 * The console's search (email or name, sorted by email) over the user list, with the page by
 * offset the console and `/api/users` take: the offset is walked by keyset pages of 500, never
 * an SQL OFFSET.
 */
export const searchUsers = async (
  users: UserListView,
  { q, limit = 50, offset = 0 }: { readonly q?: string; readonly limit?: number; readonly offset?: number },
): Promise<{ readonly total: number; readonly users: ReadonlyArray<UserSummary> }> => {
  const size = Number.isFinite(limit) ? Math.max(0, Math.min(200, Math.floor(limit))) : 50;
  let skip = Number.isFinite(offset) ? Math.max(0, Math.floor(offset)) : 0;
  const filter = q === undefined || q.trim() === '' ? {} : { text: q };
  let after: string | undefined;
  for (;;) {
    const page = await users.list({
      filter,
      sort: 'email',
      limit: skip > 0 ? Math.min(500, skip) : Math.max(1, size),
      ...(after === undefined ? {} : { after }),
    });
    if (skip === 0 || page.next === undefined) {
      return { total: page.total, users: skip > 0 || size === 0 ? [] : page.rows.map(summaryOfRow) };
    }
    skip -= page.rows.length;
    after = page.next;
  }
};

/** A list row as `GET /api/users` answers it: the summary plus where the user stands in each bound directory. */
export const entryOfRow = (r: UserListRow): UserListEntry => ({ ...summaryOfRow(r), status: r.directories });

/**
 * One page of the user list (`GET /api/users`): the view's keyset page; with `offset`, that many
 * users are skipped first by keyset pages of 500 (for older callers; `after` is the way to page).
 * Throws the view's error for a bad query (an unknown cursor).
 */
export const pageOfUsers = async (users: UserListView, query: UserListQuery, offset = 0): Promise<UserListPage> => {
  let skip = Math.max(0, Math.floor(offset));
  let after = query.after;
  for (;;) {
    if (skip === 0) return users.list({ ...query, ...(after === undefined ? {} : { after }) });
    const page = await users.list({ ...query, limit: Math.min(500, skip), ...(after === undefined ? {} : { after }) });
    if (page.next === undefined) return { rows: [], total: page.total };
    skip -= page.rows.length;
    after = page.next;
  }
};
