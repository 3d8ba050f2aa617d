// What the services share, wired once by `createHostApp`.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';
import type { CommandId, DirectoryCommand, DirectoryId, IsoTime, PasswordPolicy, UserCommand, UserId } from '@takeover/core';
import { commandId, directoryLabel, isoTime } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import type {
  AuditLog,
  DirectoryHandled,
  DirectoryHealthView,
  Engine,
  OwedWorkSource,
  PortalNotifications,
  RunningProjections,
  UserHandled,
  UserListView,
  WhyView,
} from '@takeover/engine';
import type { HostConfig } from '../config.js';
import type { HostDb } from '../db/hostDb.js';
import type { ScryptCost } from '../db/passwords.js';
import type { LoginThrottle } from '../db/throttle.js';
import type { DirectorySetup } from '../wiring/directories.js';
import type { Problem } from './hostApp.js';
import { problemOf, unavailableFrom } from './problems.js';
import type { DeviceTokens } from './devices.js';
import type { TestHooks } from './testHooks.js';
import type { ActivationTokens } from './tokens.js';
import type { Jobs } from './jobs.js';

/** The read models, every one in the database (wiring/readModels.ts): nothing here grows with the users. */
export interface ReadSide {
  readonly audit: AuditLog;
  readonly notifications: PortalNotifications;
  readonly why: WhyView;
  /** Whether a directory needs an admin (its last call failed on auth). */
  readonly health: DirectoryHealthView;
  /** The console's user list, in the database (wiring/readModels.ts). */
  readonly users: UserListView & OwedWorkSource;
  /** The persisted projections, resumed from their checkpoints at start. */
  readonly projections: RunningProjections;
}

export interface AppContext {
  readonly config: HostConfig;
  readonly store: EventStore;
  readonly engine: Engine;
  readonly db: HostDb;
  readonly throttle: LoginThrottle;
  readonly directories: ReadonlyArray<DirectorySetup>;
  readonly read: ReadSide;
  /** Long operations (bulk actions, imports) as jobs in the host database. */
  readonly jobs: Jobs;
  readonly activation: ActivationTokens;
  readonly devices: DeviceTokens;
  readonly scrypt: ScryptCost;
  readonly platformPolicy: PasswordPolicy;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Set once `close` starts: services refuse new work. */
  readonly closing: () => boolean;
  /** Empty outside tests (testHooks.ts). */
  readonly testHooks: TestHooks;
}

export const nowIso = (ctx: AppContext): IsoTime => isoTime(ctx.now().toISOString());
export const freshCommandId = (): CommandId => commandId(randomUUID());

export const directorySetup = (ctx: AppContext, id: string): DirectorySetup | undefined => ctx.directories.find((d) => d.id === id);
export const labelOf = (ctx: AppContext, id: DirectoryId): string => {
  const d = directorySetup(ctx, id);
  return d === undefined ? id : directoryLabel(d);
};

const SHUTTING_DOWN: Problem = { kind: 'unavailable', reason: 'the host is shutting down' };

/**
 * Runs a user command; engine errors become Problems, a thrown error becomes `unavailable`. Conflicts
 * with other writers are the engine's to retry (its one policy, `EngineOptions.conflictRetries`): no loop here.
 */
export const execute = async (ctx: AppContext, command: UserCommand): Promise<E.Either<Problem, UserHandled>> => {
  if (ctx.closing()) return E.left(SHUTTING_DOWN);
  try {
    const r = await ctx.engine.execute(command)();
    if (E.isLeft(r) && r.left._tag !== 'Rejected')
      ctx.logger.warn({ command: command.type, userId: command.userId, error: r.left._tag }, 'command not carried out');
    return E.mapLeft(problemOf)(r);
  } catch (e) {
    ctx.logger.error({ err: { type: (e as Error).name }, command: command.type }, 'command failed unexpectedly');
    return E.left(unavailableFrom('the command', e));
  }
};

export const executeDirectory = async (ctx: AppContext, command: DirectoryCommand): Promise<E.Either<Problem, DirectoryHandled>> => {
  if (ctx.closing()) return E.left(SHUTTING_DOWN);
  try {
    return E.mapLeft(problemOf)(await ctx.engine.executeDirectory(command)());
  } catch (e) {
    return E.left(unavailableFrom('the directory command', e));
  }
};

/**
 * A service method whose dependencies may throw (the host database down, a store read failing):
 * a thrown error becomes `unavailable`, logged by its type only (its text could quote input).
 */
export const guarded =
  <A extends ReadonlyArray<unknown>, T>(ctx: AppContext, what: string, f: (...args: A) => Promise<E.Either<Problem, T>>) =>
  async (...args: A): Promise<E.Either<Problem, T>> => {
    try {
      return await f(...args);
    } catch (e) {
      ctx.logger.error({ err: { type: e instanceof Error ? e.name : typeof e }, operation: what }, 'operation failed unexpectedly');
      return E.left(unavailableFrom(what, e));
    }
  };

/** Waits (briefly) for the read models to see everything appended so far; a slow catch-up is not an error. */
export const caughtUp = async (ctx: AppContext, withinMs = 2_000): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      ctx.read.projections.catchUp().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), withinMs);
      }),
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
};

export type { UserId };
