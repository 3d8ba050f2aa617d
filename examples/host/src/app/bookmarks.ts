// Portal bookmarks (the tiles a user starts the day from): each directory kind's default apps, and
// the custom bookmarks an admin sets per directory, stored in the host database as one JSON list
// per directory (replaced in one write, so a reader never sees half of a change).
import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId, UserId } from '@takeover/core';
import { currentBindings } from '@takeover/core';
import type { DirectorySetup } from '../wiring/directories.js';
import type { AppContext } from './context.js';
import { directorySetup } from './context.js';
import type { AdminPrincipal, BookmarkInput, Outcome, PortalBookmark } from './hostApp.js';
import { decodeBookmarks } from './inputs.js';
import { notFound, unavailableFrom } from './problems.js';
import { loadExisting } from './views.js';

/** The apps every user of a directory kind has, shown before the admin's own bookmarks. */
export const DEFAULT_APPS: Readonly<Record<DirectorySetup['kind'], ReadonlyArray<BookmarkInput>>> = {
  'google-workspace': [
    { name: 'Gmail', url: 'https://mail.google.com/' },
    { name: 'Drive', url: 'https://drive.google.com/' },
    { name: 'Calendar', url: 'https://calendar.google.com/' },
  ],
  'microsoft-entra': [
    { name: 'Outlook', url: 'https://outlook.office.com/mail/' },
    { name: 'Teams', url: 'https://teams.microsoft.com/' },
    { name: 'OneDrive', url: 'https://www.microsoft365.com/onedrive' },
  ],
};

/** The stored list, decoded again on read (a row written by an older version must not reach a page unchecked). */
const stored = async (ctx: AppContext, id: DirectoryId): Promise<ReadonlyArray<BookmarkInput>> => {
  const json = await ctx.db.bookmarks(id);
  if (json === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    ctx.logger.warn({ directoryId: id }, 'stored bookmarks are not JSON; ignored');
    return [];
  }
  const decoded = decodeBookmarks(parsed);
  if (E.isLeft(decoded)) {
    ctx.logger.warn(
      { directoryId: id, field: decoded.left.kind === 'invalid' ? decoded.left.field : undefined },
      'stored bookmarks are not valid; ignored',
    );
    return [];
  }
  return decoded.right;
};

export const directoryBookmarks = async (ctx: AppContext, id: string): Outcome<ReadonlyArray<BookmarkInput>> => {
  const setup = directorySetup(ctx, id);
  if (setup === undefined) return E.left(notFound('directory', id.slice(0, 200)));
  try {
    return E.right(await stored(ctx, setup.id));
  } catch (e) {
    return E.left(unavailableFrom('the host database', e));
  }
};

export const setDirectoryBookmarks = async (
  ctx: AppContext,
  by: AdminPrincipal,
  id: string,
  list: ReadonlyArray<BookmarkInput>,
): Outcome<ReadonlyArray<BookmarkInput>> => {
  const setup = directorySetup(ctx, id);
  if (setup === undefined) return E.left(notFound('directory', id.slice(0, 200)));
  try {
    await ctx.db.setBookmarks(setup.id, JSON.stringify(list));
  } catch (e) {
    return E.left(unavailableFrom('the host database', e));
  }
  ctx.logger.info({ directoryId: setup.id, by: by.id, count: list.length }, 'portal bookmarks replaced');
  return E.right(list);
};

/**
 * The user's tiles: for each bound directory where the takeover is complete (the directory has the
 * platform password, so the app opens with it), the kind's default apps, then the admin's bookmarks.
 */
export const portalBookmarks = async (ctx: AppContext, userId: UserId): Promise<ReadonlyArray<PortalBookmark>> => {
  const loaded = await loadExisting(ctx, userId);
  if (E.isLeft(loaded)) return [];
  const tiles: PortalBookmark[] = [];
  for (const b of currentBindings(loaded.right.user)) {
    const setup = directorySetup(ctx, b.directoryId);
    if (setup === undefined || !b.takeoverComplete || b.link.status !== 'linked') continue;
    for (const app of [...DEFAULT_APPS[setup.kind], ...(await stored(ctx, setup.id))]) tiles.push({ ...app, directoryId: setup.id });
  }
  return tiles;
};
