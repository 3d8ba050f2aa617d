import type { DirectoryId, IsoTime, UserId } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';
import { directoryLabels } from './directoryLabels.js';

export interface AuditEntry {
  readonly eventId: string;
  readonly at: IsoTime;
  readonly userId: UserId;
  readonly type: string;
  readonly directoryId?: DirectoryId;
  /** Who did it, when an actor is recorded (`admin:admin-1`, `user`, `system`). */
  readonly by?: string;
  /** What happened, in words an admin reads. */
  readonly summary: string;
}

export interface LoginRecord {
  readonly eventId: string;
  readonly at: IsoTime;
  /** R9: the directories whose password this login synchronised, with when. */
  readonly synchronised: ReadonlyArray<{ readonly directoryId: DirectoryId; readonly label: string; readonly at: IsoTime }>;
}

export interface AuditLog extends ReadModel {
  readonly entries: (userId: UserId) => ReadonlyArray<AuditEntry>;
  readonly logins: (userId: UserId) => ReadonlyArray<LoginRecord>;
}

const actor = (by: { readonly role: string; readonly id?: string } | string): string =>
  typeof by === 'string' ? by : by.id === undefined ? by.role : `${by.role}:${by.id}`;

/** The audit log: every user event in words, and each login with the directories it synchronised (R9, tied by the pushes' correlation id). */
export const auditLog = (): AuditLog => {
  const entries = new Map<UserId, AuditEntry[]>();
  const logins = new Map<
    string,
    { userId: UserId; eventId: string; at: IsoTime; synchronised: Array<{ directoryId: DirectoryId; label: string; at: IsoTime }> }
  >();
  const seen = new Set<string>();
  const labels = directoryLabels();
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        labels.observe(r);
        const e = r.event;
        if (!('userId' in e.data)) continue;
        const d = e.data as {
          readonly userId: UserId;
          readonly at: IsoTime;
          readonly directoryId?: DirectoryId;
          readonly by?: { role: string; id?: string } | string;
        };
        const where = d.directoryId === undefined ? '' : ` in ${labels.label(d.directoryId)}`;
        let summary: string = e.type;
        switch (e.type) {
          case 'PortalLogin':
            summary = 'Logged in to the portal';
            logins.set(r.id, { userId: d.userId, eventId: r.id, at: d.at, synchronised: [] });
            break;
          case 'PushSucceeded': {
            summary = `${e.data.carriesPassword ? 'Password and profile' : 'Profile'} synchronised${where}${e.data.sessionsEnded === true ? "; the user's other sessions there were ended" : ''}`;
            const login = logins.get(String(e.metadata?.correlationId ?? ''));
            if (login !== undefined && e.data.carriesPassword && !login.synchronised.some((s) => s.directoryId === e.data.directoryId)) {
              login.synchronised.push({ directoryId: e.data.directoryId, label: labels.label(e.data.directoryId), at: e.data.at });
            }
            break;
          }
          case 'PushFailed':
            summary = `Synchronisation failed${where}: ${e.data.failure.message}`;
            break;
          case 'UserBound':
            summary = `Bound${where}`;
            break;
          case 'UserUnbound':
            summary = `Unbound${where}`;
            break;
          case 'PasswordSet':
            summary = `Password set (version ${e.data.passwordVersion})`;
            break;
          case 'AttributesChanged':
            summary = `Profile changed: ${[...Object.keys(e.data.changed), ...e.data.cleared].join(', ')}`;
            break;
          case 'UserCreated':
            summary = `Created (${e.data.state})`;
            break;
          case 'UserStateChanged':
            summary = `State changed from ${e.data.from} to ${e.data.to}`;
            break;
          case 'PasswordExpired':
            summary = 'Password expired';
            break;
          case 'ExternalAccountLinked':
            summary = `Account ${e.data.how === 'created' ? 'created' : e.data.how === 'matched-email' ? 'found by email' : 'linked'}${where} (${e.data.externalKey})`;
            break;
          case 'ExternalAccountUnresolved':
            summary = `No account found${where}: ${e.data.reason}`;
            break;
          case 'PushStarted':
            summary = `${e.data.carriesPassword ? 'Password and profile' : 'Profile'} push started${where}`;
            break;
          case 'NoticeSent':
            summary = e.data.kind === 'activation' ? 'Activation email sent' : `Email sent: log in to finish connecting${where}`;
            break;
          case 'ExternalAccountSuspended':
            summary = `Account suspended${where}`;
            break;
          case 'ExternalAccountRestored':
            summary = `Account restored${where}`;
            break;
          case 'ExternalAccountActionFailed':
            summary = `Account ${e.data.action} failed${where}: ${e.data.failure.message}`;
            break;
          case 'ExternalPasswordChangeDetected':
            summary = `Password changed${where} outside the portal at ${e.data.changedAt}${e.data.by === undefined ? '' : ` by ${e.data.by}`}; it is set back at the next portal login`;
            break;
          default:
            break;
        }
        const list = entries.get(d.userId) ?? [];
        list.push({
          eventId: r.id,
          at: d.at,
          userId: d.userId,
          type: e.type,
          summary,
          ...(d.directoryId === undefined ? {} : { directoryId: d.directoryId }),
          ...(d.by === undefined ? {} : { by: actor(d.by) }),
        });
        entries.set(d.userId, list);
      }
    },
    entries: (userId) => [...(entries.get(userId) ?? [])],
    logins: (userId) =>
      [...logins.values()]
        .filter((l) => l.userId === userId)
        .map(({ eventId, at, synchronised }) => ({ eventId, at, synchronised: [...synchronised] })),
  };
};
