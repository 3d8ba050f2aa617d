// The portal's service: login (scrypt, throttled, then the engine's LogIn whose plaintext carries
// the pushes), sessions, activation, password change, live policy feedback and notifications.
import * as E from 'fp-ts/lib/Either.js';
import type { Secret, UserId } from '@takeover/core';
import { checkPassword, currentBindings, describeViolation, syncStatus } from '@takeover/core';
import { dummyVerification, hashPassword, verifyPassword } from '../db/passwords.js';
import type { AppContext } from './context.js';
import { caughtUp, execute, freshCommandId, guarded, labelOf, nowIso } from './context.js';
import type { Outcome, PasswordFeedback, PortalPrincipal, PortalService, Problem } from './HostApp.js';
import { notFound, UNAUTHORIZED, unavailableFrom } from './problems.js';
import { hashToken, newSessionToken } from './tokens.js';
import type { LoadedUser } from './views.js';
import { loadExisting } from './views.js';
import { displayNameOf } from './usersIndex.js';

export const PORTAL_SESSION_MS = 12 * 3600 * 1000;

const principalOf = ({ user }: LoadedUser): PortalPrincipal => ({ kind: 'user', userId: user.userId, email: user.attributes.email, displayName: displayNameOf(user) });

export const portalService = (ctx: AppContext): PortalService => {
  const dummy = dummyVerification(ctx.scrypt);
  const accountKey = (email: string) => `portal:${email.toLowerCase()}`;

  /** The user an activation token is for, while its password is still pending. */
  const activationUser = async (token: string): Promise<E.Either<Problem, LoadedUser>> => {
    const userId = ctx.activation.verify(token);
    const gone = notFound('activation', 'token');
    if (userId === undefined) return E.left(gone);
    const loaded = await loadExisting(ctx, userId);
    if (E.isLeft(loaded)) return loaded.left.kind === 'not-found' ? E.left(gone) : loaded;
    return loaded.right.user.passwordStatus === 'pending' ? loaded : E.left(gone);
  };

  /** Writes the new hash, runs `SetPassword`, and puts the old hash back if the engine refuses. */
  const setPassword = async (userId: UserId, email: string, password: Secret, previous: string | null, by: 'user-activation' | 'user-portal'): Outcome<void> => {
    let hash: string;
    try {
      hash = await hashPassword(password, ctx.scrypt);
      if (await ctx.db.credentialByUser(userId) === undefined && await ctx.db.reserveEmail(email, userId) === 'taken') {
        return E.left({ kind: 'conflict', reason: `another user already has the email ${email}` });
      }
      await ctx.db.setHash(userId, hash);
    } catch (e) {
      return E.left(unavailableFrom('the credential store', e));
    }
    const done = await execute(ctx, { type: 'SetPassword', commandId: freshCommandId(), userId, at: nowIso(ctx), password, by });
    if (E.isLeft(done)) {
      await ctx.db.setHash(userId, previous).catch((e: unknown) => ctx.logger.error({ userId, err: { type: (e as Error).name } }, 'could not restore the previous password hash'));
      return done;
    }
    return E.right(undefined);
  };

  const feedback = (loaded: LoadedUser, candidate: Secret): PasswordFeedback => {
    const targets = [
      { scope: 'platform' as const, label: ctx.config.platformName, policy: ctx.platformPolicy },
      ...currentBindings(loaded.user).flatMap((b) => {
        const d = loaded.directories[b.directoryId];
        return d === undefined ? [] : [{ scope: b.directoryId, label: labelOf(ctx, b.directoryId), policy: d.policy.passwordPolicy }];
      }),
    ];
    const checks = targets.map((t) => {
      const violations = checkPassword(t.policy, candidate);
      return { scope: t.scope, label: t.label, ok: violations.length === 0, problems: violations.map(describeViolation) };
    });
    return { ok: checks.every((c) => c.ok), checks };
  };

  const service: PortalService = {
    login: async (email, password, address) => {
      const account = accountKey(email);
      const wait = await ctx.throttle.blocked(account, address);
      if (wait !== undefined) return E.left({ kind: 'throttled', retryAfterSeconds: wait });
      const row = await ctx.db.credentialByEmail(email.toLowerCase());
      const ok = row?.hash == null ? await dummy(password) : await verifyPassword(password, row.hash);
      if (!ok || row === undefined) {
        await ctx.throttle.failed(account, address);
        ctx.logger.info({ address }, 'portal login refused');
        return E.left(UNAUTHORIZED);
      }
      await ctx.throttle.succeeded(account);
      const loggedIn = await execute(ctx, { type: 'LogIn', commandId: freshCommandId(), userId: row.userId, at: nowIso(ctx), password });
      if (E.isLeft(loggedIn)) return loggedIn;
      const loaded = await loadExisting(ctx, row.userId);
      if (E.isLeft(loaded)) return loaded;
      const sessionToken = newSessionToken();
      await ctx.db.createSession(hashToken(sessionToken), 'portal', row.userId, new Date(ctx.now().getTime() + PORTAL_SESSION_MS));
      ctx.logger.info({ userId: row.userId }, 'portal login');
      return E.right({ sessionToken, principal: principalOf(loaded.right) });
    },
    session: async (sessionToken) => {
      if (sessionToken.length === 0 || sessionToken.length > 1024) return undefined;
      const userId = await ctx.db.findSession(hashToken(sessionToken), 'portal', ctx.now());
      if (userId === undefined) return undefined;
      const loaded = await loadExisting(ctx, userId);
      // A user suspended (or staged again) since logging in has no session any more.
      if (E.isLeft(loaded) || loaded.right.user.state !== 'active') return undefined;
      return principalOf(loaded.right);
    },
    logout: async (sessionToken) => { await ctx.db.deleteSession(hashToken(sessionToken)); },
    activation: async (token) => {
      const loaded = await activationUser(token);
      if (E.isLeft(loaded)) return loaded;
      const { user } = loaded.right;
      return E.right({
        email: user.attributes.email,
        givenName: user.attributes.givenName,
        directories: currentBindings(user).map((b) => ({ id: b.directoryId, label: labelOf(ctx, b.directoryId) })),
      });
    },
    activate: async (token, password, address) => {
      // Tokens are MACs (nothing to guess), but bad ones still count against the address.
      const key = `activation:${address}`;
      const wait = await ctx.throttle.blocked(key, address);
      if (wait !== undefined) return E.left({ kind: 'throttled', retryAfterSeconds: wait });
      const loaded = await activationUser(token);
      if (E.isLeft(loaded)) {
        if (loaded.left.kind === 'not-found') await ctx.throttle.failed(key, address);
        return loaded;
      }
      const { user } = loaded.right;
      const done = await setPassword(user.userId, user.attributes.email, password, null, 'user-activation');
      if (E.isLeft(done)) return done;
      ctx.logger.info({ userId: user.userId }, 'account activated');
      return E.right({ userId: user.userId });
    },
    changePassword: async (userId, current, next, address) => {
      const row = await ctx.db.credentialByUser(userId);
      if (row === undefined) return E.left(UNAUTHORIZED);
      const account = accountKey(row.email);
      const wait = await ctx.throttle.blocked(account, address);
      if (wait !== undefined) return E.left({ kind: 'throttled', retryAfterSeconds: wait });
      const ok = row.hash === null ? await dummy(current) : await verifyPassword(current, row.hash);
      if (!ok) {
        await ctx.throttle.failed(account, address);
        return E.left(UNAUTHORIZED);
      }
      const done = await setPassword(userId, row.email, next, row.hash, 'user-portal');
      if (E.isRight(done)) ctx.logger.info({ userId }, 'password changed in the portal');
      return done;
    },
    passwordFeedback: async (who, candidate) => {
      const loaded = 'activationToken' in who ? await activationUser(who.activationToken) : await loadExisting(ctx, who.userId);
      return E.map((l: LoadedUser) => feedback(l, candidate))(loaded);
    },
    notifications: async (userId) => {
      await caughtUp(ctx, 1_000);
      const items = [...ctx.read.notifications.forUser(userId)].reverse().map((n) => ({ ...n, label: labelOf(ctx, n.directoryId) }));
      const loaded = await loadExisting(ctx, userId);
      if (E.isLeft(loaded)) return { items, updating: [] };
      const { user, directories } = loaded.right;
      // What is being written to a directory right now; an owed push that waits for a login is not.
      const updating = syncStatus(user, directories, { now: nowIso(ctx) })
        .filter((s) => s.state === 'in-flight' || s.state === 'resolving')
        .map((s) => ({ directoryId: s.directoryId, label: labelOf(ctx, s.directoryId) }));
      return { items, updating };
    },
  };
  // Every Outcome method: a thrown dependency error is `unavailable`, never an exception.
  return {
    ...service,
    login: guarded(ctx, 'portal.login', service.login),
    activation: guarded(ctx, 'portal.activation', service.activation),
    activate: guarded(ctx, 'portal.activate', service.activate),
    changePassword: guarded(ctx, 'portal.changePassword', service.changePassword),
    passwordFeedback: guarded(ctx, 'portal.passwordFeedback', service.passwordFeedback),
  };
};
