// The admin console's and the JSON API's service: the admin account's login, users, bindings,
// audit, "why", directories and their push policy.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Actor, UserAttributes, UserCommand, UserId } from '@takeover/core';
import { commandId, reveal } from '@takeover/core';
import { dummyVerification, hashPassword, verifyPassword } from '../db/passwords.js';
import type { AppContext } from './context.js';
import { caughtUp, directorySetup, execute, executeDirectory, freshCommandId, guarded, nowIso } from './context.js';
import type { AdminPrincipal, AdminService, AttributeChanges, CreateUserInput, Outcome, Problem, UserView } from './HostApp.js';
import { conflict, notFound, UNAUTHORIZED, unavailableFrom } from './problems.js';
import { hashToken, newSessionToken, sameSecret } from './tokens.js';
import { directoryView, getUserView, loadExisting } from './views.js';

export const ADMIN_SESSION_MS = 8 * 3600 * 1000;
const API_KEY_PRINCIPAL: AdminPrincipal = { kind: 'admin', id: 'api-key' };

const actor = (by: AdminPrincipal): Actor => ({ role: 'admin', id: by.id });

const attributesOf = (input: CreateUserInput): UserAttributes => ({
  email: input.email,
  givenName: input.givenName,
  familyName: input.familyName,
  ...Object.fromEntries(
    (['displayName', 'jobTitle', 'department', 'mobilePhone', 'officeLocation', 'employeeId'] as const).flatMap((k) =>
      input[k] === undefined ? [] : [[k, input[k]]],
    ),
  ),
});

export const adminService = (ctx: AppContext): AdminService => {
  const dummy = dummyVerification(ctx.scrypt);

  const stateCommand = (by: AdminPrincipal, userId: UserId, state: 'active' | 'staged' | 'suspended'): UserCommand => {
    const base = { commandId: freshCommandId(), userId, at: nowIso(ctx), by: actor(by) };
    return state === 'active'
      ? { ...base, type: 'ActivateUser' }
      : state === 'staged'
        ? { ...base, type: 'StageUser' }
        : { ...base, type: 'SuspendUser' };
  };

  /** Runs one command on an existing user, then answers with the user as it now is. */
  const onUser = async (id: string, command: (userId: UserId) => E.Either<Problem, UserCommand>): Outcome<UserView> => {
    const loaded = await loadExisting(ctx, id);
    if (E.isLeft(loaded)) return loaded;
    const c = command(loaded.right.user.userId);
    if (E.isLeft(c)) return c;
    const done = await execute(ctx, c.right);
    if (E.isLeft(done)) return done;
    return getUserView(ctx, id);
  };

  const createUser = async (by: AdminPrincipal, given: CreateUserInput): Outcome<{ readonly id: UserId }> => {
    // The credential store keys on the lower-cased email (the codec already gives it so; callers without it too).
    const input = { ...given, email: given.email.trim().toLowerCase() };
    const unknown = (input.directories ?? []).find((d) => directorySetup(ctx, d) === undefined);
    if (unknown !== undefined) return E.left(notFound('directory', unknown));
    const userId = randomUUID() as UserId;
    let hash: string | undefined;
    try {
      hash = input.password === undefined ? undefined : await hashPassword(input.password, ctx.scrypt);
    } catch (e) {
      return E.left(unavailableFrom('hashing the password', e));
    }
    // The email is reserved (with the hash) before `CreateUser` and confirmed after it. A crash in
    // between leaves an unconfirmed reservation that the next start frees (issue 17 #5).
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
    const created = await execute(ctx, {
      type: 'CreateUser',
      commandId: freshCommandId(),
      userId,
      at: nowIso(ctx),
      state: input.state,
      attributes: attributesOf(input),
      by: actor(by),
      ...(input.password === undefined ? {} : { password: input.password, passwordSetBy: 'admin' as const }),
    });
    if (E.isLeft(created)) {
      await release();
      return created;
    }
    await ctx.db.confirmEmail(userId);
    for (const d of input.directories ?? []) {
      const bound = await execute(ctx, {
        type: 'BindDirectory',
        commandId: commandId(`create/${userId}/bind/${d}`),
        userId,
        at: nowIso(ctx),
        directoryId: d,
        origin: 'admin',
        by: actor(by),
      });
      if (E.isLeft(bound)) ctx.logger.warn({ userId, directoryId: d, problem: bound.left.kind }, 'user created, but binding it failed');
    }
    ctx.logger.info({ userId, by: by.id, state: input.state, directories: input.directories ?? [] }, 'user created');
    return E.right({ id: userId });
  };

  const changeAttributes = async (by: AdminPrincipal, id: string, changes: AttributeChanges): Outcome<UserView> => {
    const loaded = await loadExisting(ctx, id);
    if (E.isLeft(loaded)) return loaded;
    const { user } = loaded.right;
    const asked = typeof changes.email === 'string' ? changes.email.trim().toLowerCase() : undefined;
    const newEmail = asked !== undefined && asked !== user.attributes.email.toLowerCase() ? asked : undefined;
    if (newEmail !== undefined) {
      const moved = await ctx.db.changeEmail(user.userId, newEmail).catch((e: unknown) => e);
      if (moved === 'taken') return E.left(conflict(`another user already has the email ${newEmail}`));
      if (moved !== 'changed' && moved !== 'unknown') return E.left(unavailableFrom('the credential store', moved));
    }
    const done = await execute(ctx, {
      type: 'ChangeAttributes',
      commandId: freshCommandId(),
      userId: user.userId,
      at: nowIso(ctx),
      changes: asked === undefined ? changes : { ...changes, email: asked },
      by: actor(by),
    });
    if (E.isLeft(done)) {
      if (newEmail !== undefined) await ctx.db.changeEmail(user.userId, user.attributes.email.toLowerCase()).catch(() => undefined);
      return done;
    }
    return getUserView(ctx, id);
  };

  const bindingCommand =
    (by: AdminPrincipal, directoryId: string, type: 'BindDirectory' | 'UnbindDirectory') =>
    (userId: UserId): E.Either<Problem, UserCommand> => {
      const setup = directorySetup(ctx, directoryId);
      if (setup === undefined) return E.left(notFound('directory', directoryId));
      const base = { commandId: freshCommandId(), userId, at: nowIso(ctx), directoryId: setup.id, by: actor(by) };
      return E.right(type === 'BindDirectory' ? { ...base, type, origin: 'admin' } : { ...base, type });
    };

  const service: AdminService = {
    login: async (email, password, address, device) => {
      const account = email.toLowerCase();
      const knownDevice = ctx.devices.verify(`admin:${account}`, device);
      // Taken before the check (atomic across parallel requests and instances), given back if it passes.
      const attempt = await ctx.throttle.take({
        scope: 'admin',
        account,
        address,
        accountWide: true,
        ...(knownDevice === undefined ? {} : { knownDevice }),
      });
      if (!attempt.allowed) return E.left({ kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds });
      const hash = await ctx.db.adminHash(account);
      const ok = hash === undefined ? await dummy(password) : await verifyPassword(password, hash);
      if (!ok) {
        ctx.logger.info({ address }, 'admin login refused');
        return E.left(UNAUTHORIZED);
      }
      await attempt.passed();
      const token = newSessionToken();
      const expiresAt = new Date(ctx.now().getTime() + ADMIN_SESSION_MS);
      await ctx.db.createSession(hashToken(token), 'admin', account, expiresAt);
      return E.right({
        token,
        expiresAt: expiresAt.toISOString() as ReturnType<typeof nowIso>,
        device: knownDevice !== undefined && device !== undefined ? device : ctx.devices.mint(`admin:${account}`),
      });
    },
    authenticate: async (token) => {
      if (token.length === 0 || token.length > 1024) return undefined;
      const key = ctx.config.adminApiKey;
      if (key !== undefined && sameSecret(token, reveal(key))) return API_KEY_PRINCIPAL;
      const subject = await ctx.db.findSession(hashToken(token), 'admin', ctx.now());
      return subject === undefined ? undefined : { kind: 'admin', id: subject };
    },
    logout: async (token) => {
      await ctx.db.deleteSession(hashToken(token));
    },

    searchUsers: async (query) => {
      await caughtUp(ctx);
      return ctx.read.users.search(query);
    },
    createUser,
    getUser: (id) => getUserView(ctx, id),
    changeAttributes,
    setState: async (by, id, state) => {
      const done = await onUser(id, (userId) => E.right(stateCommand(by, userId, state)));
      // Suspending or staging ends the user's portal sessions, so activating again never revives them (issue 17 #8).
      if (E.isRight(done) && state !== 'active') await ctx.db.deleteSessionsOf('portal', done.right.id);
      return done;
    },
    bind: (by, id, directoryId) => onUser(id, bindingCommand(by, directoryId, 'BindDirectory')),
    unbind: (by, id, directoryId) => onUser(id, bindingCommand(by, directoryId, 'UnbindDirectory')),
    audit: async (id) => {
      const loaded = await loadExisting(ctx, id);
      if (E.isLeft(loaded)) return loaded;
      await caughtUp(ctx);
      const userId = loaded.right.user.userId;
      const pushes = [...ctx.read.why.pushesOf(userId)].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
      return E.right({ entries: ctx.read.audit.entries(userId), logins: ctx.read.audit.logins(userId), pushes });
    },
    why: async (pushId) => {
      await caughtUp(ctx);
      const p = ctx.read.why.why(pushId);
      return p === undefined ? E.left(notFound('push', pushId.slice(0, 300))) : E.right(p);
    },
    directories: async () => {
      const views = await Promise.all(ctx.directories.map((d) => directoryView(ctx, d)));
      return views.flatMap((v) => (E.isRight(v) ? [v.right] : []));
    },
    changeDirectoryPolicy: async (by, id, change) => {
      const setup = directorySetup(ctx, id);
      if (setup === undefined) return E.left(notFound('directory', id));
      const done = await executeDirectory(ctx, {
        type: 'ChangeDirectoryPolicy',
        commandId: freshCommandId(),
        directoryId: setup.id,
        at: nowIso(ctx),
        policy: change,
      });
      if (E.isLeft(done)) return done;
      ctx.logger.info({ directoryId: setup.id, by: by.id, change }, 'directory policy changed');
      // A policy change can make pushes owed (or no longer owed): look at every user again.
      void ctx.engine
        .settleAll()
        .catch((e: unknown) => ctx.logger.warn({ err: { type: (e as Error).name } }, 'settling users after a policy change failed'));
      return directoryView(ctx, setup);
    },
  };
  // Every Outcome method: a thrown dependency error is `unavailable`, never an exception.
  return {
    ...service,
    login: guarded(ctx, 'admin.login', service.login),
    createUser: guarded(ctx, 'admin.createUser', service.createUser),
    getUser: guarded(ctx, 'admin.getUser', service.getUser),
    changeAttributes: guarded(ctx, 'admin.changeAttributes', service.changeAttributes),
    setState: guarded(ctx, 'admin.setState', service.setState),
    bind: guarded(ctx, 'admin.bind', service.bind),
    unbind: guarded(ctx, 'admin.unbind', service.unbind),
    audit: guarded(ctx, 'admin.audit', service.audit),
    why: guarded(ctx, 'admin.why', service.why),
    changeDirectoryPolicy: guarded(ctx, 'admin.changeDirectoryPolicy', service.changeDirectoryPolicy),
  };
};
