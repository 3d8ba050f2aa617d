// Creating a user with its first bindings, shared by the console/API (`POST /api/users`) and the CSV
// import: the email is reserved (with the hash) before `CreateUser` and confirmed after it, so a
// crash in between leaves an unconfirmed reservation that the next start frees (issue 17 #5).
import * as E from 'fp-ts/lib/Either.js';
import type { Actor, DirectoryId, ExternalUserKey, UserAttributes, UserId } from '@takeover/core';
import { commandId } from '@takeover/core';
import { hashPassword } from '../db/passwords.js';
import type { AppContext } from './context.js';
import { directorySetup, execute, freshCommandId, nowIso } from './context.js';
import type { CreateUserInput, Outcome } from './hostApp.js';
import { conflict, notFound, unavailableFrom } from './problems.js';

export interface InitialBinding {
  readonly directoryId: DirectoryId;
  /** The account in the directory, when the admin (or the file) names it. */
  readonly externalKey?: ExternalUserKey;
  /** R11, imports only with `externalKey`: the previous system completed the takeover. */
  readonly alreadyInSync?: boolean;
}

export interface CreateOptions {
  readonly userId: UserId;
  readonly origin: 'admin' | 'import';
  readonly bindings: ReadonlyArray<InitialBinding>;
  /** Command ids derived from this (stable across retries), instead of random ones. */
  readonly commandPrefix?: string;
}

export const attributesOf = (input: CreateUserInput): UserAttributes => ({
  email: input.email,
  givenName: input.givenName,
  familyName: input.familyName,
  ...Object.fromEntries(
    (['displayName', 'jobTitle', 'department', 'mobilePhone', 'officeLocation', 'employeeId'] as const).flatMap((k) =>
      input[k] === undefined ? [] : [[k, input[k]]],
    ),
  ),
});

/** Binds one directory with a command id stable for this user and directory; a failure is logged, not returned (the user exists). */
export const bindInitial = async (
  ctx: AppContext,
  by: Actor,
  userId: UserId,
  b: InitialBinding,
  origin: 'admin' | 'import',
  prefix: string,
): Promise<boolean> => {
  const bound = await execute(ctx, {
    type: 'BindDirectory',
    commandId: commandId(`${prefix}/${userId}/bind/${b.directoryId}`),
    userId,
    at: nowIso(ctx),
    directoryId: b.directoryId,
    origin,
    by,
    ...(b.externalKey === undefined ? {} : { externalKey: b.externalKey }),
    ...(b.alreadyInSync === true ? { alreadyInSync: true } : {}),
  });
  if (E.isLeft(bound))
    ctx.logger.warn({ userId, directoryId: b.directoryId, problem: bound.left.kind }, 'user created, but binding it failed');
  return E.isRight(bound);
};

/** Creates the user (conflict when the email is taken) and binds its directories. */
export const createUserWith = async (
  ctx: AppContext,
  by: Actor,
  given: CreateUserInput,
  options: CreateOptions,
): Outcome<{ readonly id: UserId }> => {
  // The credential store keys on the lower-cased email (the codec already gives it so; callers without it too).
  const input = { ...given, email: given.email.trim().toLowerCase() };
  const unknown = options.bindings.find((b) => directorySetup(ctx, b.directoryId) === undefined);
  if (unknown !== undefined) return E.left(notFound('directory', unknown.directoryId));
  const { userId } = options;
  let hash: string | undefined;
  try {
    hash = input.password === undefined ? undefined : await hashPassword(input.password, ctx.scrypt);
  } catch (e) {
    return E.left(unavailableFrom('hashing the password', e));
  }
  let reserved: 'reserved' | 'taken';
  try {
    reserved = await ctx.db.reserveEmail(input.email, userId, hash === undefined ? {} : { hash });
  } catch (e) {
    return E.left(unavailableFrom('the credential store', e));
  }
  if (reserved === 'taken') return E.left(conflict(`another user already has the email ${input.email}`));
  const release = () =>
    ctx.db
      .releaseEmail(input.email, userId)
      .catch((e: unknown) => ctx.logger.error({ err: { type: (e as Error).name }, userId }, 'could not release an email reservation'));
  const prefix = options.commandPrefix ?? 'create';
  const created = await execute(ctx, {
    type: 'CreateUser',
    commandId: options.commandPrefix === undefined ? freshCommandId() : commandId(`${prefix}/${userId}/create`),
    userId,
    at: nowIso(ctx),
    state: input.state,
    attributes: attributesOf(input),
    by,
    ...(input.password === undefined ? {} : { password: input.password, passwordSetBy: 'admin' as const }),
  });
  if (E.isLeft(created)) {
    await release();
    return created;
  }
  await ctx.db.confirmEmail(userId);
  for (const b of options.bindings) await bindInitial(ctx, by, userId, b, options.origin, prefix);
  ctx.logger.info(
    { userId, by: by.id, state: input.state, origin: options.origin, directories: options.bindings.map((b) => b.directoryId) },
    'user created',
  );
  return E.right({ id: userId });
};
