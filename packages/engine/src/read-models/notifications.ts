import type { DirectoryId, IsoTime, UserId } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';
import { directoryLabels } from './directoryLabels.js';
import { pageLimit } from './auditLog.js';
import { dateWords, externalChangeNotice } from './words.js';

export interface PortalNotification {
  /** The push it tells of. */
  readonly id: string;
  readonly userId: UserId;
  readonly directoryId: DirectoryId;
  readonly at: IsoTime;
  readonly message: string;
  /** The password changed there (not only the profile). */
  readonly passwordChanged: boolean;
  /** The directory really ended the user's other sessions there (never said on a guess). */
  readonly sessionsEnded: boolean;
  /** The group it is shown in (`NotificationGroup.id`): the login that caused it, or the update. */
  readonly groupId?: string;
}

/**
 * What caused a group of notifications: the user's portal `login`, a `password-change` in the
 * portal, the `activation` of the account, or an `update` no login carried (a profile change an
 * administrator made, sent without the password).
 */
export type NotificationCause = 'login' | 'password-change' | 'activation' | 'update';

/** The notifications one moment caused, shown (and dismissed) together. */
export interface NotificationGroup {
  /** The causing login's event id (or the password change's); for an update, `update-<n>`. Unique per user. */
  readonly id: string;
  readonly userId: UserId;
  readonly cause: NotificationCause;
  /** When the login (or change) was; for an update, its first notification's time. */
  readonly at: IsoTime;
  /** "At your login on 1 Dec 2026 09:14 UTC" (`groupHeading`). */
  readonly heading: string;
  /** Oldest first. */
  readonly notifications: ReadonlyArray<PortalNotification>;
}

/** Which of a user's notification groups `recent` answers. */
export interface RecentNotificationsQuery {
  /** Only groups from this moment on (the host's "recent": the last 30 days). Default: all. */
  readonly since?: IsoTime;
  /** At most this many groups, newest first: 1–500, default 20. */
  readonly limit?: number;
  /** Group ids to leave out (the ones the user dismissed). At most 10,000. */
  readonly leaveOut?: ReadonlyArray<string>;
}

/**
 * The portal's notifications as a query port: in memory (`portalNotifications()`) or in SQLite /
 * PostgreSQL tables kept by a projection.
 */
export interface PortalNotifications {
  /** The user's notifications, newest first, at most `limit` (1–500, default 50). */
  readonly forUser: (userId: UserId, limit?: number) => Promise<ReadonlyArray<PortalNotification>>;
  /** The user's recent notifications grouped by the login (or update) that caused them, newest group first. Rejects a bad limit. */
  readonly recent: (userId: UserId, query?: RecentNotificationsQuery) => Promise<ReadonlyArray<NotificationGroup>>;
}

/** A group's heading in the portal's words (docs/glossary.md, "Notifications"). */
export const groupHeading = (cause: NotificationCause, at: IsoTime): string => {
  const when = dateWords(at);
  switch (cause) {
    case 'login':
      return `At your login on ${when}`;
    case 'password-change':
      return `When you changed your password on ${when}`;
    case 'activation':
      return `When you activated your account on ${when}`;
    case 'update':
      return `On ${when}`;
  }
};

/** A moment a group may be caused by: a portal login or a password the user set, by its event id. */
export interface NotificationMoment {
  readonly eventId: string;
  readonly userId: UserId;
  readonly cause: NotificationCause;
  readonly at: IsoTime;
}

/** The moment an event is (a `PortalLogin`, a `PasswordSet` by the user), if any. */
export const notificationMomentOf = (r: Recorded): NotificationMoment | undefined => {
  const e = r.event;
  if (e.type === 'PortalLogin') return { eventId: r.id, userId: e.data.userId, cause: 'login', at: e.data.at };
  if (e.type === 'PasswordSet' && e.data.by !== 'admin')
    return {
      eventId: r.id,
      userId: e.data.userId,
      cause: e.data.by === 'user-activation' ? 'activation' : 'password-change',
      at: e.data.at,
    };
  return undefined;
};

/**
 * The group a notification goes in: the moment whose event id is the push's correlation id (the
 * login that carried it), or, for a push no login carried, the update (`update-<record version>`:
 * the directories one change reached are told together). `moment` looks a correlation id up.
 */
export const notificationGroupOf = (
  r: Recorded,
  moment: (eventId: string) => NotificationMoment | undefined,
): { readonly id: string; readonly cause: NotificationCause; readonly at: IsoTime } | undefined => {
  const e = r.event;
  if (e.type !== 'PushSucceeded') return undefined;
  const correlationId = e.metadata?.correlationId;
  const m = typeof correlationId === 'string' ? moment(correlationId) : undefined;
  if (m !== undefined && m.userId === e.data.userId) return { id: m.eventId, cause: m.cause, at: m.at };
  return { id: `update-${String(e.data.recordVersion)}`, cause: 'update', at: e.data.at };
};

/** R9: the notification a successful push makes (one per push id); `label` names a directory. */
export const notificationOf = (r: Recorded, label: (id: DirectoryId) => string, groupId?: string): PortalNotification | undefined => {
  const e = r.event;
  if (e.type !== 'PushSucceeded') return undefined;
  const where = label(e.data.directoryId);
  const sessionsEnded = e.data.sessionsEnded === true;
  const message =
    e.data.reason === 'external-change'
      ? `${externalChangeNotice(where)}${sessionsEnded ? ' You were signed out of your other sessions there.' : ''}`
      : e.data.carriesPassword
        ? `Your password was updated in ${where}.${sessionsEnded ? ' You were signed out of your other sessions there: sign in again with your new password.' : ''}`
        : `Your profile was updated in ${where}.${sessionsEnded ? ' You were signed out of your other sessions there.' : ''}`;
  return {
    id: e.data.pushId,
    userId: e.data.userId,
    directoryId: e.data.directoryId,
    at: e.data.at,
    message,
    passwordChanged: e.data.carriesPassword,
    sessionsEnded,
    ...(groupId === undefined ? {} : { groupId }),
  };
};

/** A recent-groups limit: 1–500, default 20; and at most 10,000 ids to leave out. */
export const recentLimits = (
  query: RecentNotificationsQuery | undefined,
): { readonly limit: number; readonly leaveOut: ReadonlyArray<string> } => {
  const limit = query?.limit === undefined ? 20 : pageLimit('portal notification groups', query.limit);
  const leaveOut = query?.leaveOut ?? [];
  if (leaveOut.length > 10_000)
    throw new RangeError(`portal notification groups: at most 10,000 groups to leave out, got ${String(leaveOut.length)}`);
  return { limit, leaveOut };
};

/** R9: after a push, the user sees one notification per directory updated, grouped by the login that caused it. In memory. */
export const portalNotifications = (): PortalNotifications & ReadModel => {
  const byUser = new Map<UserId, PortalNotification[]>();
  const groups = new Map<string, { readonly id: string; readonly cause: NotificationCause; readonly at: IsoTime }>(); // `${userId}/${groupId}`
  const moments = new Map<string, NotificationMoment>();
  const seen = new Set<string>();
  const labels = directoryLabels();
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        labels.observe(r);
        const m = notificationMomentOf(r);
        if (m !== undefined) moments.set(m.eventId, m);
        const g = notificationGroupOf(r, (id) => moments.get(id));
        const n = notificationOf(r, labels.label, g?.id);
        if (n === undefined || g === undefined || seen.has(n.id)) continue;
        seen.add(n.id);
        const key = `${n.userId}/${g.id}`;
        if (!groups.has(key)) groups.set(key, g);
        const list = byUser.get(n.userId) ?? [];
        list.push(n);
        byUser.set(n.userId, list);
      }
    },
    forUser: (userId, limit) =>
      new Promise((resolve) => {
        const n = pageLimit('portal notifications', limit);
        resolve([...(byUser.get(userId) ?? [])].reverse().slice(0, n));
      }),
    recent: (userId, query) =>
      new Promise((resolve) => {
        const { limit, leaveOut } = recentLimits(query);
        const out = new Map<string, { meta: { id: string; cause: NotificationCause; at: IsoTime }; items: PortalNotification[] }>();
        const order: string[] = [];
        const skip = new Set(leaveOut);
        for (const n of [...(byUser.get(userId) ?? [])].reverse()) {
          const meta = groups.get(`${userId}/${n.groupId ?? ''}`);
          if (meta === undefined || skip.has(meta.id)) continue;
          if (query?.since !== undefined && meta.at < query.since) continue;
          let group = out.get(meta.id);
          if (group === undefined) {
            if (order.length === limit) continue;
            group = { meta, items: [] };
            out.set(meta.id, group);
            order.push(meta.id);
          }
          group.items.push(n);
        }
        resolve(
          order.flatMap((id) => {
            const g = out.get(id);
            return g === undefined
              ? []
              : [{ ...g.meta, userId, heading: groupHeading(g.meta.cause, g.meta.at), notifications: [...g.items].reverse() }];
          }),
        );
      }),
  };
};
