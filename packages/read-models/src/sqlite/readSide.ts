// The audit log, the portal's notifications, "why" and directory health in SQLite tables, kept by
// projections on the engine's runner (rows and checkpoint in one transaction per batch).
import type { Database } from 'better-sqlite3';
import type { DirectoryId, IsoTime, PushFailure, UserId } from '@takeover/core';
import { directoryLabel } from '@takeover/core';
import type {
  AuditContext,
  AuditEntry,
  AuditLog,
  DirectoryHealth,
  DirectoryHealthView,
  LoginRecord,
  NotificationCause,
  PortalNotification,
  PortalNotifications,
  Projection,
  PushExplanation,
  Recorded,
  WhyHistoryItem,
  WhyView,
} from '@takeover/engine';
import {
  auditContextKeys,
  auditStep,
  explainPush,
  groupHeading,
  healthStep,
  notificationGroupOf,
  notificationMomentOf,
  notificationOf,
  pageLimit,
  recentLimits,
  sequenceCursor,
  whyHistoryItem,
} from '@takeover/engine';

/**
 * Every table says which projection owns it (`rm_audit_`, `rm_notice`, `rm_why_`, `rm_directory_health`); the
 * indexes are the ones the queries use: audit pages by `seq` per user and globally, notifications
 * per user newest first, pushes per user × directory, the history a push is explained from per user
 * × record version and per user × binding generation.
 */
export const readSideSchema = `
  CREATE TABLE IF NOT EXISTS rm_labels (
    projection TEXT NOT NULL, directory_id TEXT NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (projection, directory_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rm_audit_entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, entry TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS rm_audit_entries_by_user ON rm_audit_entries (user_id, seq);
  CREATE TABLE IF NOT EXISTS rm_audit_logins (
    event_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS rm_audit_logins_by_user ON rm_audit_logins (user_id, seq);
  CREATE TABLE IF NOT EXISTS rm_audit_login_directories (
    login_event_id TEXT NOT NULL, directory_id TEXT NOT NULL, label TEXT NOT NULL, at TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (login_event_id, directory_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rm_audit_external_changes (
    user_id TEXT NOT NULL, directory_id TEXT NOT NULL, changed_at TEXT NOT NULL, PRIMARY KEY (user_id, directory_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rm_notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, push_id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, group_id TEXT NOT NULL,
    group_cause TEXT NOT NULL, group_at TEXT NOT NULL, notification TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS rm_notices_by_user ON rm_notices (user_id, seq);
  CREATE INDEX IF NOT EXISTS rm_notices_by_group ON rm_notices (user_id, group_at, group_id);
  CREATE TABLE IF NOT EXISTS rm_notice_moments (
    event_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, cause TEXT NOT NULL, at TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rm_why_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, item TEXT NOT NULL,
    record_version INTEGER, directory_id TEXT, generation INTEGER);
  CREATE INDEX IF NOT EXISTS rm_why_history_by_version ON rm_why_history (user_id, record_version) WHERE record_version IS NOT NULL;
  CREATE INDEX IF NOT EXISTS rm_why_history_by_binding ON rm_why_history (user_id, directory_id, generation) WHERE directory_id IS NOT NULL;
  CREATE TABLE IF NOT EXISTS rm_why_pushed (
    user_id TEXT NOT NULL, directory_id TEXT NOT NULL, record_version INTEGER NOT NULL, PRIMARY KEY (user_id, directory_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rm_why_pushes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, push_id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, directory_id TEXT NOT NULL,
    explanation TEXT NOT NULL, outcome_revision INTEGER NOT NULL DEFAULT -1);
  CREATE INDEX IF NOT EXISTS rm_why_pushes_by_user ON rm_why_pushes (user_id, directory_id, seq);
  CREATE TABLE IF NOT EXISTS rm_directory_health (
    directory_id TEXT PRIMARY KEY, needs_admin INTEGER NOT NULL, last_auth_failure TEXT, changed_at TEXT NOT NULL) WITHOUT ROWID;
`;

/** Creates the tables if they are missing (idempotent; safe with several processes, under SQLite's write lock). */
export const createReadSideTables = (db: Database): void => {
  db.exec(readSideSchema);
};

/** Directory labels as one projection saw them (its own rows: projections never wait on each other). */
const labels = (db: Database, projection: string) => {
  const put = db.prepare(
    'INSERT INTO rm_labels (projection, directory_id, label) VALUES (?, ?, ?) ON CONFLICT (projection, directory_id) DO UPDATE SET label = excluded.label',
  );
  const get = db.prepare<[string, string], { label: string }>('SELECT label FROM rm_labels WHERE projection = ? AND directory_id = ?');
  return {
    observe: (r: Recorded): void => {
      if (r.event.type === 'DirectoryConnected') put.run(projection, r.event.data.directoryId, directoryLabel(r.event.data));
    },
    label: (id: DirectoryId): string => get.get(projection, id)?.label ?? id,
  };
};

const json = <T>(text: string): T => JSON.parse(text) as T;

/** The audit log's projection (`name` keys its checkpoint) and its query view, on `db`. */
export const sqliteAuditLog = (
  db: Database,
  name = 'read-model-audit',
): { readonly projection: Projection<Database>; readonly view: AuditLog } => {
  createReadSideTables(db);
  const names = labels(db, name);
  const insert = db.prepare('INSERT INTO rm_audit_entries (event_id, user_id, entry) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING');
  const login = db.prepare(
    'INSERT INTO rm_audit_logins (event_id, user_id, seq, at) VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
  );
  const synchronised = db.prepare(`INSERT INTO rm_audit_login_directories (login_event_id, directory_id, label, at, seq)
    SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM rm_audit_logins WHERE event_id = ?) ON CONFLICT (login_event_id, directory_id) DO NOTHING`);
  const changed = db.prepare(`INSERT INTO rm_audit_external_changes (user_id, directory_id, changed_at) VALUES (?, ?, ?)
    ON CONFLICT (user_id, directory_id) DO UPDATE SET changed_at = excluded.changed_at`);
  const changedAt = db.prepare<[string, string], { changed_at: string }>(
    'SELECT changed_at FROM rm_audit_external_changes WHERE user_id = ? AND directory_id = ?',
  );
  const loginAt = db.prepare<[string], { at: string }>('SELECT at FROM rm_audit_logins WHERE event_id = ?');
  /** What a set-back push's entry is written from (`auditContextKeys`). */
  const contextOf = (r: Recorded): AuditContext => {
    const keys = auditContextKeys(r);
    if (keys === undefined) return {};
    const when = changedAt.get(keys.userId, keys.directoryId)?.changed_at;
    const login = keys.loginEventId === undefined ? undefined : loginAt.get(keys.loginEventId)?.at;
    return {
      ...(when === undefined ? {} : { externalChangedAt: when as IsoTime }),
      ...(login === undefined ? {} : { loginAt: login as IsoTime }),
    };
  };
  const ofUser = db.prepare<[string], { entry: string }>('SELECT entry FROM rm_audit_entries WHERE user_id = ? ORDER BY seq');
  const pageOfUser = db.prepare<[string, number, number], { seq: number; entry: string }>(
    'SELECT seq, entry FROM rm_audit_entries WHERE user_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );
  const pageOfAll = db.prepare<[number, number], { seq: number; entry: string }>(
    'SELECT seq, entry FROM rm_audit_entries WHERE seq < ? ORDER BY seq DESC LIMIT ?',
  );
  const loginsOf = db.prepare<
    [string],
    { event_id: string; at: string; directory_id: string | null; label: string | null; synced_at: string | null }
  >(`
    SELECT l.event_id, l.at, d.directory_id, d.label, d.at AS synced_at FROM rm_audit_logins l
    LEFT JOIN rm_audit_login_directories d ON d.login_event_id = l.event_id WHERE l.user_id = ? ORDER BY l.seq, d.seq`);
  const projection: Projection<Database> = {
    name,
    apply: (_tx, events) => {
      for (const r of events) {
        names.observe(r);
        const step = auditStep(r, names.label, contextOf(r));
        if (step === undefined) continue;
        const added = insert.run(r.id, step.entry.userId, JSON.stringify(step.entry));
        if (added.changes === 0) continue; // delivered again: the entry and what came with it are in place
        const seq = Number(added.lastInsertRowid);
        const x = step.externalChange;
        if (x !== undefined) changed.run(step.entry.userId, x.directoryId, x.changedAt);
        if (step.login === true) login.run(r.id, step.entry.userId, seq, step.entry.at);
        const s = step.synchronised;
        if (s !== undefined) synchronised.run(s.loginEventId, s.directoryId, s.label, s.at, seq, s.loginEventId);
      }
    },
  };
  const view: AuditLog = {
    forUser: (userId) => Promise.resolve(ofUser.all(userId).map((row) => json<AuditEntry>(row.entry))),
    page: (query) =>
      new Promise((resolve) => {
        const limit = pageLimit('audit log', query.limit);
        const after = sequenceCursor('audit log', query.after) ?? Number.MAX_SAFE_INTEGER;
        const rows = query.userId === undefined ? pageOfAll.all(after, limit + 1) : pageOfUser.all(query.userId, after, limit + 1);
        const shown = rows.slice(0, limit);
        const last = shown[shown.length - 1];
        resolve({
          entries: shown.map((row) => json<AuditEntry>(row.entry)),
          ...(rows.length > limit && last !== undefined ? { next: String(last.seq) } : {}),
        });
      }),
    logins: (userId) =>
      new Promise((resolve) => {
        const out: Array<{ eventId: string; at: IsoTime; synchronised: Array<LoginRecord['synchronised'][number]> }> = [];
        for (const row of loginsOf.all(userId)) {
          let l = out[out.length - 1];
          if (l?.eventId !== row.event_id) {
            l = { eventId: row.event_id, at: row.at as IsoTime, synchronised: [] };
            out.push(l);
          }
          if (row.directory_id !== null)
            l.synchronised.push({
              directoryId: row.directory_id as DirectoryId,
              label: row.label ?? row.directory_id,
              at: row.synced_at as IsoTime,
            });
        }
        resolve(out);
      }),
  };
  return { projection, view };
};

/**
 * The portal notifications' projection and view, on `db`: one row per notification with its group
 * (the login that caused it), grouped at query time over the `(user_id, group_at)` index. The
 * projection's name is new with the groups (`rm_notices` replaced `rm_notifications`): a store that
 * had the old table rebuilds the new one from the start.
 */
export const sqlitePortalNotifications = (
  db: Database,
  name = 'read-model-notices',
): { readonly projection: Projection<Database>; readonly view: PortalNotifications } => {
  createReadSideTables(db);
  const names = labels(db, name);
  const insert = db.prepare(
    'INSERT INTO rm_notices (push_id, user_id, group_id, group_cause, group_at, notification) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (push_id) DO NOTHING',
  );
  const remember = db.prepare(
    'INSERT INTO rm_notice_moments (event_id, user_id, cause, at) VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
  );
  const momentOf = db.prepare<[string], { event_id: string; user_id: string; cause: string; at: string }>(
    'SELECT event_id, user_id, cause, at FROM rm_notice_moments WHERE event_id = ?',
  );
  const groupAt = db.prepare<[string, string], { group_at: string }>(
    'SELECT group_at FROM rm_notices WHERE user_id = ? AND group_id = ? LIMIT 1',
  );
  const ofUser = db.prepare<[string, number], { notification: string }>(
    'SELECT notification FROM rm_notices WHERE user_id = ? ORDER BY seq DESC LIMIT ?',
  );
  const recentGroups = db.prepare<[string, string, string, number], { group_id: string; group_cause: string; group_at: string }>(`
    SELECT group_id, group_cause, group_at FROM rm_notices
    WHERE user_id = ? AND group_at >= ? AND group_id NOT IN (SELECT value FROM json_each(?))
    GROUP BY group_id, group_cause, group_at ORDER BY max(seq) DESC LIMIT ?`);
  const ofGroups = db.prepare<[string, string], { group_id: string; notification: string }>(
    'SELECT group_id, notification FROM rm_notices WHERE user_id = ? AND group_id IN (SELECT value FROM json_each(?)) ORDER BY seq',
  );
  return {
    projection: {
      name,
      apply: (_tx, events) => {
        for (const r of events) {
          names.observe(r);
          const m = notificationMomentOf(r);
          if (m !== undefined) remember.run(m.eventId, m.userId, m.cause, m.at);
          const g = notificationGroupOf(r, (id) => {
            const row = momentOf.get(id);
            return row === undefined
              ? undefined
              : { eventId: row.event_id, userId: row.user_id as UserId, cause: row.cause as NotificationCause, at: row.at as IsoTime };
          });
          const n = notificationOf(r, names.label, g?.id);
          if (n === undefined || g === undefined) continue;
          // An update's group keeps the time of its first notification.
          const at = g.cause === 'update' ? (groupAt.get(n.userId, g.id)?.group_at ?? g.at) : g.at;
          insert.run(n.id, n.userId, g.id, g.cause, at, JSON.stringify(n));
        }
      },
    },
    view: {
      forUser: (userId, limit) =>
        new Promise((resolve) => {
          resolve(ofUser.all(userId, pageLimit('portal notifications', limit)).map((row) => json<PortalNotification>(row.notification)));
        }),
      recent: (userId, query) =>
        new Promise((resolve) => {
          const { limit, leaveOut } = recentLimits(query);
          const groups = recentGroups.all(userId, query?.since ?? '', JSON.stringify(leaveOut), limit);
          const items = new Map<string, PortalNotification[]>();
          for (const row of ofGroups.all(userId, JSON.stringify(groups.map((g) => g.group_id)))) {
            const list = items.get(row.group_id) ?? [];
            list.push(json<PortalNotification>(row.notification));
            items.set(row.group_id, list);
          }
          resolve(
            groups.map((g) => ({
              id: g.group_id,
              userId,
              cause: g.group_cause as NotificationCause,
              at: g.group_at as IsoTime,
              heading: groupHeading(g.group_cause as NotificationCause, g.group_at as IsoTime),
              notifications: items.get(g.group_id) ?? [],
            })),
          );
        }),
    },
  };
};

/** "Why"'s projection and view, on `db`: a push is explained from the user's history rows when it starts. */
export const sqliteWhyView = (
  db: Database,
  name = 'read-model-why',
): { readonly projection: Projection<Database>; readonly view: WhyView } => {
  createReadSideTables(db);
  const names = labels(db, name);
  const remember = db.prepare(
    'INSERT INTO rm_why_history (event_id, user_id, item, record_version, directory_id, generation) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
  );
  const pushedAt = db.prepare<[string, string], { record_version: number }>(
    'SELECT record_version FROM rm_why_pushed WHERE user_id = ? AND directory_id = ?',
  );
  const pushed = db.prepare(`INSERT INTO rm_why_pushed (user_id, directory_id, record_version) VALUES (?, ?, ?)
    ON CONFLICT (user_id, directory_id) DO UPDATE SET record_version = max(record_version, excluded.record_version)`);
  // What explainPush may pick from, in the user's order: the changes in the version range, the binding, the carrying login.
  const candidates = db.prepare<
    [{ user: string; since: number; version: number; directory: string; generation: number; correlation: string }],
    { item: string }
  >(`
    SELECT seq, item FROM rm_why_history WHERE user_id = @user AND record_version > @since AND record_version <= @version
    UNION SELECT seq, item FROM rm_why_history WHERE user_id = @user AND directory_id = @directory AND generation = @generation
    UNION SELECT seq, item FROM rm_why_history WHERE event_id = @correlation AND user_id = @user
    ORDER BY seq`);
  const startPush = db.prepare(
    'INSERT INTO rm_why_pushes (push_id, user_id, directory_id, explanation) VALUES (?, ?, ?, ?) ON CONFLICT (push_id) DO NOTHING',
  );
  const pushOf = db.prepare<[string], { explanation: string; outcome_revision: number }>(
    'SELECT explanation, outcome_revision FROM rm_why_pushes WHERE push_id = ?',
  );
  const setOutcome = db.prepare('UPDATE rm_why_pushes SET explanation = ?, outcome_revision = ? WHERE push_id = ?');
  const pushesOf = db.prepare<[string], { explanation: string }>('SELECT explanation FROM rm_why_pushes WHERE user_id = ? ORDER BY seq');
  const pushesThere = db.prepare<[string, string], { explanation: string }>(
    'SELECT explanation FROM rm_why_pushes WHERE user_id = ? AND directory_id = ? ORDER BY seq',
  );
  // The outcome of the latest attempt wins; an attempt delivered again (an older revision of the user's stream) changes nothing.
  const outcome = (r: Recorded, pushId: string, o: NonNullable<PushExplanation['outcome']>) => {
    const row = pushOf.get(pushId);
    if (row === undefined || row.outcome_revision >= r.revision) return;
    setOutcome.run(JSON.stringify({ ...json<PushExplanation>(row.explanation), outcome: o }), r.revision, pushId);
  };
  return {
    projection: {
      name,
      apply: (_tx, events) => {
        for (const r of events) {
          names.observe(r);
          const e = r.event;
          if (!('userId' in e.data)) continue;
          const userId = e.data.userId;
          const item = whyHistoryItem(r, names.label);
          if (item !== undefined)
            remember.run(r.id, userId, JSON.stringify(item), item.recordVersion ?? null, item.directoryId ?? null, item.generation ?? null);
          switch (e.type) {
            case 'PushStarted': {
              if (pushOf.get(e.data.pushId) !== undefined) break;
              const since = pushedAt.get(userId, e.data.directoryId)?.record_version ?? 0;
              const correlation = e.metadata?.correlationId;
              const history = candidates
                .all({
                  user: userId,
                  since,
                  version: e.data.recordVersion,
                  directory: e.data.directoryId,
                  generation: e.data.generation,
                  correlation: typeof correlation === 'string' ? correlation : '',
                })
                .map((row) => json<WhyHistoryItem>(row.item));
              const p = explainPush(r, history, since);
              if (p !== undefined) startPush.run(e.data.pushId, userId, e.data.directoryId, JSON.stringify(p));
              break;
            }
            case 'PushSucceeded':
              pushed.run(userId, e.data.directoryId, e.data.recordVersion);
              outcome(r, e.data.pushId, { status: 'succeeded', at: e.data.at });
              break;
            case 'PushFailed':
              outcome(r, e.data.pushId, { status: 'failed', at: e.data.at, failure: e.data.failure });
              break;
            default:
              break;
          }
        }
      },
    },
    view: {
      why: (pushId) =>
        Promise.resolve(((row) => (row === undefined ? undefined : json<PushExplanation>(row.explanation)))(pushOf.get(pushId))),
      pushesOf: (userId, directoryId) =>
        Promise.resolve(
          (directoryId === undefined ? pushesOf.all(userId) : pushesThere.all(userId, directoryId)).map((row) =>
            json<PushExplanation>(row.explanation),
          ),
        ),
    },
  };
};

/**
 * Directory health's projection and view, on `db`. Events of many users' streams change one
 * directory's row, so a row remembers the time of the event that last changed it: an older event
 * delivered again does not undo a newer one.
 */
export const sqliteDirectoryHealth = (
  db: Database,
  name = 'read-model-directory-health',
): { readonly projection: Projection<Database>; readonly view: DirectoryHealthView } => {
  createReadSideTables(db);
  const failed = db.prepare(`INSERT INTO rm_directory_health (directory_id, needs_admin, last_auth_failure, changed_at) VALUES (?, 1, ?, ?)
    ON CONFLICT (directory_id) DO UPDATE SET needs_admin = 1, last_auth_failure = excluded.last_auth_failure, changed_at = excluded.changed_at
    WHERE excluded.changed_at >= rm_directory_health.changed_at`);
  const cleared = db.prepare(
    'UPDATE rm_directory_health SET needs_admin = 0, changed_at = ? WHERE directory_id = ? AND needs_admin = 1 AND changed_at <= ?',
  );
  const get = db.prepare<[string], { needs_admin: number; last_auth_failure: string | null }>(
    'SELECT needs_admin, last_auth_failure FROM rm_directory_health WHERE directory_id = ?',
  );
  return {
    projection: {
      name,
      apply: (_tx, events) => {
        for (const r of events) {
          const step = healthStep(r);
          if (step?.needsAdmin === true) failed.run(step.directoryId, JSON.stringify(step.lastAuthFailure), step.lastAuthFailure.at);
          else if (step !== undefined) cleared.run(step.at, step.directoryId, step.at);
        }
      },
    },
    view: {
      directoryHealth: (directoryId) => {
        const row = get.get(directoryId);
        const health: DirectoryHealth =
          row === undefined
            ? { directoryId, needsAdmin: false }
            : {
                directoryId,
                needsAdmin: row.needs_admin === 1,
                ...(row.last_auth_failure === null
                  ? {}
                  : { lastAuthFailure: json<PushFailure & { readonly at: IsoTime }>(row.last_auth_failure) }),
              };
        return Promise.resolve(health);
      },
    },
  };
};

/** The four read-side views on one database, and their projections for `runProjections`. */
export interface SqliteReadSide {
  readonly projections: ReadonlyArray<Projection<Database>>;
  readonly audit: AuditLog;
  readonly notifications: PortalNotifications;
  readonly why: WhyView;
  readonly health: DirectoryHealthView;
}

/** The audit log, portal notifications, "why" and directory health in `db` (the event store's file), tables created if missing. */
export const sqliteReadSide = (db: Database): SqliteReadSide => {
  const audit = sqliteAuditLog(db);
  const notifications = sqlitePortalNotifications(db);
  const why = sqliteWhyView(db);
  const health = sqliteDirectoryHealth(db);
  return {
    projections: [audit.projection, notifications.projection, why.projection, health.projection],
    audit: audit.view,
    notifications: notifications.view,
    why: why.view,
    health: health.view,
  };
};
