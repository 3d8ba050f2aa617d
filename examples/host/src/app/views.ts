// Users and directories as the console shows them, read from the store (read-your-writes: a page
// shown right after a change reflects it), with the core's own status for each binding.
import * as E from 'fp-ts/lib/Either.js';
import type { Directories, DirectoryId, ExistingUser, UserId } from '@takeover/core';
import { directoryLabel, owed, syncStatus } from '@takeover/core';
import { loadDirectories, loadUser } from '@takeover/engine';
import type { DirectorySetup } from '../wiring/directories.js';
import type { AppContext } from './context.js';
import { labelOf, nowIso } from './context.js';
import type { DirectoryView, Problem, UserView } from './hostApp.js';
import { notFound, unavailable } from './problems.js';
import { summaryOf } from './usersIndex.js';

export interface LoadedUser {
  readonly user: ExistingUser;
  readonly directories: Directories;
}

/** The user's state and the directories it is bound to; not-found for an unknown id. */
export const loadExisting = async (ctx: AppContext, id: string): Promise<E.Either<Problem, LoadedUser>> => {
  if (id.length === 0 || id.length > 200) return E.left(notFound('user', id.slice(0, 200)));
  const loaded = await loadUser(ctx.store, id as UserId)();
  if (E.isLeft(loaded)) return E.left(unavailable(`cannot read the user: ${loaded.left.message}`));
  const user = loaded.right.state;
  if (user.status === 'absent') return E.left(notFound('user', id));
  const directories = await loadDirectories(ctx.store, Object.keys(user.bindings) as DirectoryId[])();
  if (E.isLeft(directories)) return E.left(unavailable(`cannot read the directories: ${directories.left.message}`));
  return E.right({ user, directories: directories.right });
};

export const userView = (ctx: AppContext, { user, directories }: LoadedUser): UserView => {
  const actions = owed(user, directories).accountActions;
  return {
    ...summaryOf(user),
    attributes: user.attributes,
    passwordVersion: user.passwordVersion,
    bindings: syncStatus(user, directories, { now: nowIso(ctx) }).map((s) => {
      const a = actions.find((x) => x.directoryId === s.directoryId);
      return {
        ...s,
        label: labelOf(ctx, s.directoryId),
        ...(a === undefined
          ? {}
          : { accountAction: { action: a.action, reason: a.reason, ...(a.lastFailure === null ? {} : { lastFailure: a.lastFailure }) } }),
      };
    }),
    createdAt: user.createdAt,
  };
};

export const getUserView = async (ctx: AppContext, id: string): Promise<E.Either<Problem, UserView>> =>
  E.map((l: LoadedUser) => userView(ctx, l))(await loadExisting(ctx, id));

export const directoryView = async (ctx: AppContext, setup: DirectorySetup): Promise<E.Either<Problem, DirectoryView>> => {
  const loaded = await loadDirectories(ctx.store, [setup.id])();
  if (E.isLeft(loaded)) return E.left(unavailable(`cannot read the directory: ${loaded.left.message}`));
  const info = loaded.right[setup.id];
  if (info === undefined) return E.left(notFound('directory', setup.id));
  return E.right({
    id: setup.id,
    kind: info.kind,
    displayName: info.displayName,
    domain: info.domain,
    label: directoryLabel(info),
    mode: setup.mode,
    endpoint: setup.endpoint,
    policy: info.policy,
    needsAdmin: (await ctx.read.health.directoryHealth(setup.id)).needsAdmin,
    paused: ctx.engine.pausedDirectories().includes(setup.id),
    problems: ctx.engine
      .directoryProblems()
      .filter((p) => p.directoryId === setup.id)
      .flatMap((p) => p.checks),
  });
};
