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
  Engine,
  PortalNotifications,
  RunningReadModels,
  SyncStatusView,
  UserHandled,
  WhyView,
} from '@takeover/engine';
import type { HostConfig } from '../config.js';
import type { HostDb } from '../db/HostDb.js';
import type { ScryptCost } from '../db/passwords.js';
import type { LoginThrottle } from '../db/throttle.js';
import type { DirectorySetup } from '../wiring/directories.js';
import type { Problem } from './HostApp.js';
import { problemOf, unavailableFrom } from './problems.js';
import type { DeviceTokens } from './devices.js';
import type { TestHooks } from './testHooks.js';
import type { ActivationTokens } from './tokens.js';
import type { UsersIndex } from './usersIndex.js';

export interface ReadSide {
  readonly running: RunningReadModels;
  readonly sync: SyncStatusView;
  readonly audit: AuditLog;
  readonly notifications: PortalNotifications;
  readonly why: WhyView;
  readonly users: UsersIndex;
}

export interface AppContext {
  readonly config: HostConfig;
  readonly store: EventStore;
  readonly engine: Engine;
  readonly db: HostDb;
  readonly throttle: LoginThrottle;
  readonly directories: ReadonlyArray<DirectorySetup>;
  readonly read: ReadSide;
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

/** Runs a user command; engine errors become Problems, a thrown error becomes `unavailable`. */
export const execute = async (ctx: AppContext, command: UserCommand): Promise<E.Either<Problem, UserHandled>> => {
  if (ctx.closing()) return E.left(SHUTTING_DOWN);
  try {
    // Many writers on one user stream (pushes recording their outcome, logins on several instances)
    // can outlast the engine's own re-reads; the command id makes another try safe (no double append).
    for (let attempt = 1; ; attempt++) {
      const r = await ctx.engine.execute(command)();
      if (E.isRight(r)) return r;
      if (r.left._tag === 'Rejected') return E.left(problemOf(r.left));
      ctx.logger.warn({ command: command.type, userId: command.userId, error: r.left._tag, attempt }, 'command not carried out');
      if (r.left._tag !== 'TooManyConflicts' || attempt >= 4) return E.left(problemOf(r.left));
      await new Promise((resolve) => {
        setTimeout(resolve, 10 + Math.random() * 40 * attempt);
      });
    }
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
      ctx.read.running.catchUp().then(
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
