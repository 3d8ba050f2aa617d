// The admin console's and the JSON API's service: the admin account's login, users, bindings,
// audit, "why", directories and their push policy.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Actor, UserCommand, UserId } from '@takeover/core';
import { isoTime, reveal } from '@takeover/core';
import { dummyVerification, verifyPassword } from '../db/passwords.js';
import type { Mailer, UserListPage } from '@takeover/engine';
import { bulkService } from './bulk.js';
import type { AppContext } from './context.js';
import { caughtUp, directorySetup, execute, executeDirectory, freshCommandId, guarded, labelOf, nowIso } from './context.js';
import type { AdminPrincipal, AdminService, AttributeChanges, CreateUserInput, Outcome, Problem, UserView } from './hostApp.js';
import { conflict, invalid, notFound, UNAUTHORIZED, unavailableFrom } from './problems.js';
import { hashToken, newSessionToken, sameSecret } from './tokens.js';
import { directoryView, getUserView, loadExisting } from './views.js';
import { directoryBookmarks, setDirectoryBookmarks } from './bookmarks.js';
import { createUserWith } from './createUser.js';
import { exportUsers } from './csvExport.js';
import { IMPORT_INLINE_MAX, planImport, registerImportJobs, runImport, startImportJob } from './csvImport.js';
import { entryOfRow, pageOfUsers, searchUsers } from './usersIndex.js';

export const ADMIN_SESSION_MS = 8 * 3600 * 1000;
/** How the API key is named where an admin's email would be ("the API key (admin)", docs/glossary.md). */
const API_KEY_PRINCIPAL: AdminPrincipal = { kind: 'admin', id: 'the API key' };

const actor = (by: AdminPrincipal): Actor => ({ role: 'admin', id: by.id });

export const adminService = (ctx: AppContext, mailer: Mailer): AdminService => {
  const dummy = dummyVerification(ctx.scrypt);
  const bulk = bulkService(ctx, mailer);
  registerImportJobs(ctx);

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

  const createUser = (by: AdminPrincipal, input: CreateUserInput): Outcome<{ readonly id: UserId }> =>
    createUserWith(ctx, actor(by), input, {
      userId: randomUUID() as UserId,
      origin: 'admin',
      bindings: (input.directories ?? []).map((directoryId) => ({ directoryId })),
    });

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

  /** Runs a user-list read after catching up; the view's refusal of a query becomes `invalid` naming the parameter. */
  const listed = async <T>(read: () => Promise<T>): Outcome<T> => {
    await caughtUp(ctx);
    try {
      return E.right(await read());
    } catch (e) {
      // The view names what was wrong with the query (an unknown state, a bad cursor, a limit out of range).
      // Anything else (the database down) stays a thrown error: `guarded` answers it as unavailable.
      if (!(e instanceof Error) || !e.message.startsWith('user list: ')) throw e;
      const message = e.message.replace(/^user list: /, '');
      return E.left(
        invalid(
          /cursor/.test(message) ? 'after' : /limit/.test(message) ? 'limit' : /sort|order/.test(message) ? 'sort' : 'filter',
          message,
        ),
      );
    }
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
      return searchUsers(ctx.read.users, query);
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
      const [started, recorded, host, logins] = await Promise.all([
        ctx.read.why.pushesOf(userId),
        ctx.read.audit.forUser(userId),
        ctx.db.auditOf(userId),
        ctx.read.audit.logins(userId),
      ]);
      const pushes = [...started].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
      // The events' entries and the host's own (actions no event records, such as a resent activation link), oldest first.
      const entries = [
        ...recorded,
        ...host.map((h) => ({
          eventId: `host/${h.key}`,
          at: isoTime(h.at.toISOString()),
          userId,
          type: h.type,
          by: h.by,
          summary: h.summary,
        })),
      ].sort((a, b) => a.at.localeCompare(b.at));
      return E.right({ entries, logins, pushes });
    },
    why: async (pushId) => {
      await caughtUp(ctx);
      const p = await ctx.read.why.why(pushId);
      return p === undefined ? E.left(notFound('push', pushId.slice(0, 300))) : E.right(p);
    },
    exportUsers: async (filter) => {
      if (filter.directoryId !== undefined && directorySetup(ctx, filter.directoryId) === undefined)
        return E.left(notFound('directory', filter.directoryId));
      await caughtUp(ctx);
      return E.right(await exportUsers({ directories: ctx.directories.map((d) => d.id), list: ctx.read.users.list }, filter));
    },
    importUsers: async (by, csv, { dryRun, asJob = false }) => {
      const plan = await planImport(ctx, csv);
      if (dryRun)
        return E.right({
          kind: 'dry-run',
          problems: plan.problems,
          truncated: plan.truncated,
          wouldCreate: plan.toCreate.length,
          unchanged: plan.existing.length,
        });
      if (plan.problems.length > 0) return E.right({ kind: 'refused', problems: plan.problems, truncated: plan.truncated });
      if (asJob || plan.toCreate.length + plan.existing.length > IMPORT_INLINE_MAX)
        return E.right({ kind: 'job', ...(await startImportJob(ctx, actor(by), csv, plan)) });
      return E.right({ kind: 'imported', result: await runImport(ctx, actor(by), plan) });
    },
    bookmarks: (id) => directoryBookmarks(ctx, id),
    setBookmarks: (by, id, list) => setDirectoryBookmarks(ctx, by, id, list),
    directories: async () => {
      const views = await Promise.all(ctx.directories.map((d) => directoryView(ctx, d)));
      return views.flatMap((v) => (E.isRight(v) ? [v.right] : []));
    },
    ...bulk,
    rollout: async () => {
      await caughtUp(ctx);
      const counts = await ctx.read.users.rollout();
      const known = new Set(ctx.directories.map((d) => d.id as string));
      return {
        directories: counts
          .filter((c) => known.has(c.directoryId))
          .map((c) => ({
            id: c.directoryId,
            name: labelOf(ctx, c.directoryId),
            bound: c.bound,
            awaitingFirstLogin: c.awaitingFirstLogin,
            inSync: c.inSync,
            pending: c.pending,
            inFlight: c.inFlight,
            failing: c.failing,
            unresolved: c.unresolved,
            paused: c.paused,
            failingByReason: c.failingByReason,
            externalChanges: c.externalChanges,
          })),
      };
    },
    completion: async (id) => {
      const setup = directorySetup(ctx, id);
      if (setup === undefined) return E.left(notFound('directory', id.slice(0, 200)));
      await caughtUp(ctx);
      return E.right(await ctx.read.users.completionOverTime(setup.id));
    },
    listUsers: (query) => listed(() => ctx.read.users.list(query)),
    usersPage: async (query, offset) => {
      const f = query.filter;
      if (f?.directoryId !== undefined && directorySetup(ctx, f.directoryId) === undefined)
        return E.left(invalid('directoryId', `names no connected directory (known: ${ctx.directories.map((d) => d.id).join(', ')})`));
      const page = await listed(() => pageOfUsers(ctx.read.users, query, offset));
      return E.map((p: UserListPage) => ({
        users: p.rows.map(entryOfRow),
        ...(p.next === undefined ? {} : { next: p.next }),
        total: p.total,
      }))(page);
    },
    job: async (jobId) => {
      const view = await ctx.jobs.view(jobId);
      return view === undefined ? E.left(notFound('job', jobId.slice(0, 100))) : E.right(view);
    },
    cancelJob: async (by, jobId) => {
      const outcome = await ctx.jobs.cancel(jobId, by.id);
      if (outcome === 'unknown') return E.left(notFound('job', jobId.slice(0, 100)));
      if (outcome === 'done') return E.left(conflict('the job has already finished; there is nothing left to cancel'));
      const view = await ctx.jobs.view(jobId);
      return view === undefined ? E.left(notFound('job', jobId.slice(0, 100))) : E.right(view);
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
    importUsers: guarded(ctx, 'admin.importUsers', service.importUsers),
    exportUsers: guarded(ctx, 'admin.exportUsers', service.exportUsers),
    bookmarks: guarded(ctx, 'admin.bookmarks', service.bookmarks),
    setBookmarks: guarded(ctx, 'admin.setBookmarks', service.setBookmarks),
    job: guarded(ctx, 'admin.job', service.job),
    cancelJob: guarded(ctx, 'admin.cancelJob', service.cancelJob),
    bulk: guarded(ctx, 'admin.bulk', service.bulk),
    effects: guarded(ctx, 'admin.effects', service.effects),
    resendActivation: guarded(ctx, 'admin.resendActivation', service.resendActivation),
    completion: guarded(ctx, 'admin.completion', service.completion),
    listUsers: guarded(ctx, 'admin.listUsers', service.listUsers),
    usersPage: guarded(ctx, 'admin.usersPage', service.usersPage),
    changeDirectoryPolicy: guarded(ctx, 'admin.changeDirectoryPolicy', service.changeDirectoryPolicy),
  };
};
