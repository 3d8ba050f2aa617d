import type { DirectoryId, IsoTime, UserId } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';
import { directoryLabels } from './directoryLabels.js';

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
}

export interface PortalNotifications extends ReadModel {
  readonly forUser: (userId: UserId) => ReadonlyArray<PortalNotification>;
}

/** R9: after a push, the user sees one notification per directory updated. */
export const portalNotifications = (): PortalNotifications => {
  const byUser = new Map<UserId, PortalNotification[]>();
  const seen = new Set<string>();
  const labels = directoryLabels();
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        labels.observe(r);
        const e = r.event;
        if (e.type !== 'PushSucceeded' || seen.has(e.data.pushId)) continue;
        seen.add(e.data.pushId);
        const label = labels.label(e.data.directoryId);
        const sessionsEnded = e.data.sessionsEnded === true;
        const message =
          e.data.reason === 'external-change'
            ? `Your ${label} password had been changed outside the portal; it is your portal password again.${sessionsEnded ? ' You were signed out of your other sessions there.' : ''}`
            : e.data.carriesPassword
              ? `Your password was updated in ${label}.${sessionsEnded ? ' You were signed out of your other sessions there: sign in again with your new password.' : ''}`
              : `Your profile was updated in ${label}.${sessionsEnded ? ' You were signed out of your other sessions there.' : ''}`;
        const list = byUser.get(e.data.userId) ?? [];
        list.push({
          id: e.data.pushId,
          userId: e.data.userId,
          directoryId: e.data.directoryId,
          at: e.data.at,
          message,
          passwordChanged: e.data.carriesPassword,
          sessionsEnded,
        });
        byUser.set(e.data.userId, list);
      }
    },
    forUser: (userId) => [...(byUser.get(userId) ?? [])],
  };
};
