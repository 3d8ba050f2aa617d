// The portal's service: login (scrypt, throttled, then the engine's LogIn whose plaintext carries
// the pushes), sessions, activation, password change, live policy feedback and notifications.
import * as E from 'fp-ts/lib/Either.js';
import type { IsoTime, Secret } from '@takeover/core';
import { checkPassword, currentBindings, describeViolation, syncStatus } from '@takeover/core';
import { dummyVerification, verifyPassword } from '../db/passwords.js';
import { portalBookmarks } from './bookmarks.js';
import { portalStateWords } from './words.js';
import { changeCredential } from './credentialChange.js';
import type { AppContext } from './context.js';
import { readCredential } from './pendingChange.js';
import { caughtUp, execute, freshCommandId, guarded, labelOf, nowIso } from './context.js';
import type { PasswordFeedback, PortalPrincipal, PortalService, Problem } from './hostApp.js';
import { notFound, UNAUTHORIZED } from './problems.js';
import { hashToken, newSessionToken } from './tokens.js';
import type { LoadedUser } from './views.js';
import { loadExisting } from './views.js';
import { displayNameOf } from './usersIndex.js';

export const PORTAL_SESSION_MS = 12 * 3600 * 1000;
/** The portal shows the notifications of the last 30 days (docs/glossary.md, "Notifications")… */
export const RECENT_NOTIFICATION_DAYS = 30;
/** …at most this many groups (logins) of them, newest first. */
export const RECENT_NOTIFICATION_GROUPS = 10;

const principalOf = ({ user }: LoadedUser): PortalPrincipal => ({
  kind: 'user',
  userId: user.userId,
  email: user.attributes.email,
  displayName: displayNameOf(user),
});

export const portalService = (ctx: AppContext): PortalService => {
  const dummy = dummyVerification(ctx.scrypt);

  /** The user an activation token is for, while its password is still pending. */
  const activationUser = async (token: string): Promise<E.Either<Problem, LoadedUser>> => {
    const verified = ctx.activation.verifyIssued(token);
    const gone = notFound('activation', 'token');
    if (verified === undefined) return E.left(gone);
    const { userId, issuedAt } = verified;
    // A resent link (POST /api/users/:id/activation-mail) invalidates every link issued before it.
    const notBefore = await ctx.db.activationNotBefore(userId);
    if (notBefore !== undefined && (issuedAt === undefined || issuedAt < notBefore.getTime())) return E.left(gone);
    const loaded = await loadExisting(ctx, userId);
    if (E.isLeft(loaded)) return loaded.left.kind === 'not-found' ? E.left(gone) : loaded;
    return loaded.right.user.passwordStatus === 'pending' ? loaded : E.left(gone);
  };

  const deviceAccount = (account: string) => `portal:${account}`;

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

  /** The domain's own refusal, before anything is held or written: the password misses a policy. */
  const policyProblem = (loaded: LoadedUser, candidate: Secret): Problem | undefined => {
    const failed = feedback(loaded, candidate).checks.filter((c) => !c.ok);
    if (failed.length === 0) return undefined;
    return {
      kind: 'rejected',
      code: 'PasswordRejected',
      reason: `the password does not meet the policy of ${failed.map((c) => `${c.label} (${c.problems.join('; ')})`).join(', ')}`,
    };
  };

  const service: PortalService = {
    login: async (email, password, address, device) => {
      const account = email.toLowerCase();
      const knownDevice = ctx.devices.verify(deviceAccount(account), device);
      // Taken before the check (atomic across parallel requests and instances), given back if it passes.
      const attempt = await ctx.throttle.take({
        scope: 'portal',
        account,
        address,
        accountWide: true,
        ...(knownDevice === undefined ? {} : { knownDevice }),
      });
      if (!attempt.allowed) return E.left({ kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds });
      const read = await readCredential(ctx, { email: account });
      if (E.isLeft(read)) return read;
      const row = read.right;
      const ok = row?.hash == null ? await dummy(password) : await verifyPassword(password, row.hash);
      if (!ok || row === undefined) {
        ctx.logger.info({ address }, 'portal login refused');
        return E.left(UNAUTHORIZED);
      }
      await attempt.passed();
      const loggedIn = await execute(ctx, { type: 'LogIn', commandId: freshCommandId(), userId: row.userId, at: nowIso(ctx), password });
      if (E.isLeft(loggedIn)) return loggedIn;
      // The state the login appended at (no second read of the stream).
      const { state, directories } = loggedIn.right;
      if (state.status === 'absent') return E.left(UNAUTHORIZED);
      const sessionToken = newSessionToken();
      await ctx.db.createSession(hashToken(sessionToken), 'portal', row.userId, new Date(ctx.now().getTime() + PORTAL_SESSION_MS));
      ctx.logger.info({ userId: row.userId }, 'portal login');
      return E.right({
        sessionToken,
        principal: principalOf({ user: state, directories }),
        device: knownDevice !== undefined && device !== undefined ? device : ctx.devices.mint(deviceAccount(account)),
      });
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
    logout: async (sessionToken) => {
      await ctx.db.deleteSession(hashToken(sessionToken));
    },
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
      // A valid token (a MAC: nothing to guess) is never throttled, so bad ones from an address
      // cannot hold up anyone's activation (issue 17 #6); bad ones are counted per address.
      if (ctx.activation.verify(token) === undefined) {
        const attempt = await ctx.throttle.take({ scope: 'activation', address });
        return E.left(
          attempt.allowed ? notFound('activation', 'token') : { kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds },
        );
      }
      const loaded = await activationUser(token);
      if (E.isLeft(loaded)) return loaded;
      const { user } = loaded.right;
      const weak = policyProblem(loaded.right, password);
      if (weak !== undefined) return E.left(weak);
      // One activation per user at a time; inside the hold the link must still be unused.
      const done = await changeCredential(ctx, {
        userId: user.userId,
        email: user.attributes.email,
        expected: 'pending',
        password,
        by: 'user-activation',
        stillValid: async () => E.map(() => undefined)(await activationUser(token)),
      });
      if (E.isLeft(done)) return done;
      ctx.logger.info({ userId: user.userId }, 'account activated');
      return E.right({ userId: user.userId });
    },
    changePassword: async (userId, current, next, address, keepSession) => {
      const read = await readCredential(ctx, { userId });
      if (E.isLeft(read)) return read;
      const row = read.right;
      if (row === undefined) return E.left(UNAUTHORIZED);
      // The session already proves who it is: the current password is throttled per (user, address), never account-wide.
      const attempt = await ctx.throttle.take({ scope: 'change', account: userId, address });
      if (!attempt.allowed) return E.left({ kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds });
      const ok = row.hash === null ? await dummy(current) : await verifyPassword(current, row.hash);
      if (!ok || row.hash === null) return E.left(UNAUTHORIZED);
      await attempt.passed();
      const loaded = await loadExisting(ctx, userId);
      if (E.isLeft(loaded)) return loaded;
      const weak = policyProblem(loaded.right, next);
      if (weak !== undefined) return E.left(weak);
      const done = await changeCredential(ctx, {
        userId,
        email: row.email,
        expected: { hash: row.hash },
        password: next,
        by: 'user-portal',
      });
      if (E.isLeft(done)) return done;
      // Every other portal session of this user ends (issue 17 #8); the one that made the change stays.
      await ctx.db.deleteSessionsOf('portal', userId, keepSession === undefined ? undefined : hashToken(keepSession));
      ctx.logger.info({ userId }, 'password changed in the portal');
      return E.right(undefined);
    },
    passwordFeedback: async (who, candidate) => {
      const loaded = 'activationToken' in who ? await activationUser(who.activationToken) : await loadExisting(ctx, who.userId);
      return E.map((l: LoadedUser) => feedback(l, candidate))(loaded);
    },
    bookmarks: (userId) => portalBookmarks(ctx, userId),
    directories: async (userId) => {
      const loaded = await loadExisting(ctx, userId);
      if (E.isLeft(loaded)) return [];
      return syncStatus(loaded.right.user, loaded.right.directories, { now: nowIso(ctx) }).map((s) => ({
        directoryId: s.directoryId,
        label: labelOf(ctx, s.directoryId),
        words: portalStateWords(s.state),
      }));
    },
    dismissNotifications: async (userId, ids) => {
      await caughtUp(ctx, 1_000);
      // A group (the login that caused it) or, as before groups, one notification: each id is the user's own or ignored.
      const [groups, notes] = await Promise.all([
        ctx.read.notifications.recent(userId, { limit: 500 }),
        ctx.read.notifications.forUser(userId, 500),
      ]);
      const mine = new Set([...groups.map((g) => g.id), ...notes.map((n) => n.id)]);
      const keys = ids === 'all' ? groups.map((g) => g.id) : [...new Set(ids)].filter((id) => mine.has(id));
      await ctx.db.dismiss(userId, keys);
      return { dismissed: keys.length };
    },
    notifications: async (userId) => {
      await caughtUp(ctx, 1_000);
      const dismissed = await ctx.db.dismissed(userId);
      const since = new Date(ctx.now().getTime() - RECENT_NOTIFICATION_DAYS * 24 * 3600 * 1000).toISOString() as IsoTime;
      const groups = (
        await ctx.read.notifications.recent(userId, { since, limit: RECENT_NOTIFICATION_GROUPS, leaveOut: [...dismissed] })
      ).flatMap((g) => {
        const notifications = g.notifications
          .filter((n) => !dismissed.has(n.id))
          .map((n) => ({ ...n, label: labelOf(ctx, n.directoryId) }));
        return notifications.length === 0 ? [] : [{ id: g.id, cause: g.cause, at: g.at, heading: g.heading, notifications }];
      });
      const items = groups.flatMap((g) => [...g.notifications].reverse());
      const loaded = await loadExisting(ctx, userId);
      if (E.isLeft(loaded)) return { groups, items, updating: [] };
      const { user, directories } = loaded.right;
      // What is being written to a directory right now; an owed push that waits for a login is not.
      const updating = syncStatus(user, directories, { now: nowIso(ctx) })
        .filter((s) => s.state === 'in-flight' || s.state === 'resolving')
        .map((s) => ({ directoryId: s.directoryId, label: labelOf(ctx, s.directoryId) }));
      return { groups, items, updating };
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
