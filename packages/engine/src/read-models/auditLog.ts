import type { DirectoryId, IsoTime, UserId } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';
import { directoryLabels } from './directoryLabels.js';
import { dateWords, externalChangeWords, whoInDirectory, whoOfRecorded } from './words.js';

export interface AuditEntry {
  readonly eventId: string;
  readonly at: IsoTime;
  readonly userId: UserId;
  readonly type: string;
  readonly directoryId?: DirectoryId;
  /** Who did it, when the event records it, in the one form `whoDidIt` writes (`admin@example.com (admin)`, `the user, in the portal`, `the platform (automatic)`). */
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

export interface AuditQuery {
  /** One user's entries; without it, every user's (the platform's audit log). */
  readonly userId?: UserId;
  /** 1–500, default 50. */
  readonly limit?: number;
  /** The `next` cursor of the previous page (keyset paging: stable while entries are added). */
  readonly after?: string;
}

export interface AuditPage {
  /** Newest first. */
  readonly entries: ReadonlyArray<AuditEntry>;
  /** Present when older entries follow: pass it as `after`. */
  readonly next?: string;
}

/**
 * The audit log as a query port: in memory (`auditLog()`, tests and small embedders) or in SQLite /
 * PostgreSQL tables kept by a projection. Every query is asynchronous, so one contract covers both.
 */
export interface AuditLog {
  /** Every entry of the user, oldest first (the console's audit page). */
  readonly forUser: (userId: UserId) => Promise<ReadonlyArray<AuditEntry>>;
  /** A page of entries, newest first, for one user or for all. Rejects a cursor it did not issue or a limit out of range. */
  readonly page: (query: AuditQuery) => Promise<AuditPage>;
  /** Each portal login of the user, oldest first, with the directories it synchronised. */
  readonly logins: (userId: UserId) => Promise<ReadonlyArray<LoginRecord>>;
}

/** What one event adds to the audit log, shared by the in-memory log and the table-backed ones. */
export interface AuditStep {
  readonly entry: AuditEntry;
  /** A `PortalLogin`: a new login record. */
  readonly login?: boolean;
  /** A password push that succeeded: the login (by its event id, the push's correlation id) synchronised this directory (R9). */
  readonly synchronised?: {
    readonly loginEventId: string;
    readonly directoryId: DirectoryId;
    readonly label: string;
    readonly at: IsoTime;
  };
  /** An `ExternalPasswordChangeDetected`: remember when it was changed there, for the entry of the push that sets it back. */
  readonly externalChange?: { readonly directoryId: DirectoryId; readonly changedAt: IsoTime };
}

/**
 * What the entry of a set-back push (`PushSucceeded` with reason `external-change`) is written from,
 * which the caller looks up in what it kept: when the password had been changed there (the last
 * `externalChange` step of the user and directory) and when the login that carried it was (the login
 * whose event id is `loginEventId`).
 */
export interface AuditContext {
  /** When the password had been changed in the directory outside the portal (the last detection there). */
  readonly externalChangedAt?: IsoTime;
  /** When the login that carried the set-back push was. */
  readonly loginAt?: IsoTime;
}

/** For a set-back push, the keys to look its `AuditContext` up by; `undefined` for every other event. */
export const auditContextKeys = (
  r: Recorded,
): { readonly userId: UserId; readonly directoryId: DirectoryId; readonly loginEventId?: string } | undefined => {
  const e = r.event;
  if (e.type !== 'PushSucceeded' || e.data.reason !== 'external-change') return undefined;
  const correlationId = e.metadata?.correlationId;
  return {
    userId: e.data.userId,
    directoryId: e.data.directoryId,
    ...(typeof correlationId === 'string' ? { loginEventId: correlationId } : {}),
  };
};

/** The audit log's reading of one event (`undefined` for events that are not a user's); `label` names a directory. */
export const auditStep = (r: Recorded, label: (id: DirectoryId) => string, context: AuditContext = {}): AuditStep | undefined => {
  const e = r.event;
  if (!('userId' in e.data)) return undefined;
  const d = e.data as {
    readonly userId: UserId;
    readonly at: IsoTime;
    readonly directoryId?: DirectoryId;
    readonly by?: unknown;
  };
  const where = d.directoryId === undefined ? '' : ` in ${label(d.directoryId)}`;
  let summary: string = e.type;
  let login = false;
  let synchronised: AuditStep['synchronised'];
  let externalChange: AuditStep['externalChange'];
  let by = whoOfRecorded(d.by);
  switch (e.type) {
    case 'PortalLogin':
      summary = 'Logged in to the portal';
      login = true;
      break;
    case 'PushSucceeded': {
      const ended = e.data.sessionsEnded === true ? "; the user's other sessions there were ended" : '';
      summary =
        e.data.reason !== 'external-change'
          ? `${e.data.carriesPassword ? 'Password and profile' : 'Profile'} synchronised${where}${ended}`
          : context.externalChangedAt === undefined
            ? `Set back${where} to the portal password at the login on ${dateWords(context.loginAt ?? e.data.at)}: it had been changed there outside the portal${ended}`
            : `${externalChangeWords({ directory: label(e.data.directoryId), changedAt: context.externalChangedAt, setBackAt: context.loginAt ?? e.data.at })}${ended}`;
      const correlationId = e.metadata?.correlationId;
      if (e.data.carriesPassword && typeof correlationId === 'string')
        synchronised = { loginEventId: correlationId, directoryId: e.data.directoryId, label: label(e.data.directoryId), at: e.data.at };
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
      summary = 'Password set';
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
      summary = `Account ${e.data.how === 'created' ? 'created' : e.data.how === 'matched-email' ? 'found by email' : 'linked'}${where}`;
      break;
    case 'ExternalAccountUnresolved':
      summary = `No account found${where}: ${e.data.detail}`;
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
      summary = `Could not ${e.data.action === 'suspend' ? 'suspend' : 'restore'} the account${where}: ${e.data.failure.message}`;
      break;
    case 'ExternalPasswordChangeDetected':
      summary = externalChangeWords({ directory: label(e.data.directoryId), changedAt: e.data.changedAt });
      by = e.data.by === undefined ? undefined : whoInDirectory(e.data.by, label(e.data.directoryId));
      externalChange = { directoryId: e.data.directoryId, changedAt: e.data.changedAt };
      break;
    default:
      break;
  }
  const entry: AuditEntry = {
    eventId: r.id,
    at: d.at,
    userId: d.userId,
    type: e.type,
    summary,
    ...(d.directoryId === undefined ? {} : { directoryId: d.directoryId }),
    ...(by === undefined ? {} : { by }),
  };
  return {
    entry,
    ...(login ? { login } : {}),
    ...(synchronised === undefined ? {} : { synchronised }),
    ...(externalChange === undefined ? {} : { externalChange }),
  };
};

/** A page size: 1–500, default 50; anything else is the caller's mistake, said plainly. */
export const pageLimit = (what: string, limit: number | undefined): number => {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new RangeError(`${what}: limit must be an integer from 1 to 500, got ${String(limit)}`);
  return limit;
};

/** A keyset cursor: the sequence number of the last row shown (a positive integer, as text). */
export const sequenceCursor = (what: string, after: string | undefined): number | undefined => {
  if (after === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(after)) throw new RangeError(`${what}: the cursor "${after.slice(0, 40)}" is not one this log returned`);
  return Number(after);
};

/** The audit log: every user event in words, and each login with the directories it synchronised (R9, tied by the pushes' correlation id). In memory. */
export const auditLog = (): AuditLog & ReadModel => {
  const all: Array<AuditEntry & { readonly seq: number }> = [];
  const entries = new Map<UserId, Array<AuditEntry & { readonly seq: number }>>();
  const logins = new Map<
    string,
    { userId: UserId; eventId: string; at: IsoTime; synchronised: Array<{ directoryId: DirectoryId; label: string; at: IsoTime }> }
  >();
  const changedAt = new Map<string, IsoTime>(); // `${userId}/${directoryId}` → when the password was last changed there outside the portal
  const seen = new Set<string>();
  const labels = directoryLabels();
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        labels.observe(r);
        const keys = auditContextKeys(r);
        const loginAt = keys?.loginEventId === undefined ? undefined : logins.get(keys.loginEventId)?.at;
        const externalChangedAt = keys === undefined ? undefined : changedAt.get(`${keys.userId}/${keys.directoryId}`);
        const step = auditStep(r, labels.label, {
          ...(loginAt === undefined ? {} : { loginAt }),
          ...(externalChangedAt === undefined ? {} : { externalChangedAt }),
        });
        if (step === undefined) continue;
        const { entry } = step;
        if (step.externalChange !== undefined)
          changedAt.set(`${entry.userId}/${step.externalChange.directoryId}`, step.externalChange.changedAt);
        if (step.login === true) logins.set(r.id, { userId: entry.userId, eventId: r.id, at: entry.at, synchronised: [] });
        const s = step.synchronised;
        const login = s === undefined ? undefined : logins.get(s.loginEventId);
        if (s !== undefined && login !== undefined && !login.synchronised.some((x) => x.directoryId === s.directoryId)) {
          login.synchronised.push({ directoryId: s.directoryId, label: s.label, at: s.at });
        }
        const row = { ...entry, seq: all.length + 1 };
        all.push(row);
        const list = entries.get(entry.userId) ?? [];
        list.push(row);
        entries.set(entry.userId, list);
      }
    },
    forUser: (userId) => Promise.resolve((entries.get(userId) ?? []).map(({ seq: _s, ...e }) => e)),
    page: (query) =>
      new Promise((resolve) => {
        const limit = pageLimit('audit log', query.limit);
        const after = sequenceCursor('audit log', query.after);
        const source = query.userId === undefined ? all : (entries.get(query.userId) ?? []);
        const older = source.filter((e) => after === undefined || e.seq < after).reverse();
        const rows = older.slice(0, limit);
        const last = rows[rows.length - 1];
        resolve({
          entries: rows.map(({ seq: _s, ...e }) => e),
          ...(older.length > limit && last !== undefined ? { next: String(last.seq) } : {}),
        });
      }),
    logins: (userId) =>
      Promise.resolve(
        [...logins.values()]
          .filter((l) => l.userId === userId)
          .map(({ eventId, at, synchronised }) => ({ eventId, at, synchronised: [...synchronised] })),
      ),
  };
};
