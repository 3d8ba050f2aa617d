// The audit log, the portal's notifications, "why" and directory health in PostgreSQL tables (in the
// event store's schema), kept by projections on the engine's runner (rows and checkpoint in one transaction per batch).
import type { ClientBase, Pool } from 'pg';
import type { DirectoryId, IsoTime, PushFailure, UserId } from '@takeover/core';
import { directoryLabel } from '@takeover/core';
import type {
  AuditContext,
  AuditEntry,
  AuditLog,
  AuditStep,
  DirectoryHealth,
  DirectoryHealthView,
  LoginRecord,
  NotificationCause,
  NotificationMoment,
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

/** The tables and the indexes their queries use (see the SQLite twin for what each is for); `s` is the quoted schema. */
export const readSideSchema = (s: string): string => `
  CREATE TABLE IF NOT EXISTS ${s}.rm_labels (
    projection text NOT NULL, directory_id text NOT NULL, label text NOT NULL, PRIMARY KEY (projection, directory_id));
  CREATE TABLE IF NOT EXISTS ${s}.rm_audit_entries (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id text NOT NULL UNIQUE, user_id text NOT NULL, entry jsonb NOT NULL);
  CREATE INDEX IF NOT EXISTS rm_audit_entries_by_user ON ${s}.rm_audit_entries (user_id, seq);
  CREATE TABLE IF NOT EXISTS ${s}.rm_audit_logins (event_id text PRIMARY KEY, user_id text NOT NULL, seq bigint NOT NULL, at text NOT NULL);
  CREATE INDEX IF NOT EXISTS rm_audit_logins_by_user ON ${s}.rm_audit_logins (user_id, seq);
  CREATE TABLE IF NOT EXISTS ${s}.rm_audit_login_directories (
    login_event_id text NOT NULL, directory_id text NOT NULL, label text NOT NULL, at text NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (login_event_id, directory_id));
  CREATE TABLE IF NOT EXISTS ${s}.rm_audit_external_changes (
    user_id text NOT NULL, directory_id text NOT NULL, changed_at text NOT NULL, PRIMARY KEY (user_id, directory_id));
  CREATE TABLE IF NOT EXISTS ${s}.rm_notices (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, push_id text NOT NULL UNIQUE, user_id text NOT NULL, group_id text NOT NULL,
    group_cause text NOT NULL, group_at text COLLATE "C" NOT NULL, notification jsonb NOT NULL);
  CREATE INDEX IF NOT EXISTS rm_notices_by_user ON ${s}.rm_notices (user_id, seq);
  CREATE INDEX IF NOT EXISTS rm_notices_by_group ON ${s}.rm_notices (user_id, group_at, group_id);
  CREATE TABLE IF NOT EXISTS ${s}.rm_notice_moments (event_id text PRIMARY KEY, user_id text NOT NULL, cause text NOT NULL, at text NOT NULL);
  CREATE TABLE IF NOT EXISTS ${s}.rm_why_history (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id text NOT NULL UNIQUE, user_id text NOT NULL, item jsonb NOT NULL,
    record_version integer, directory_id text, generation integer);
  CREATE INDEX IF NOT EXISTS rm_why_history_by_version ON ${s}.rm_why_history (user_id, record_version) WHERE record_version IS NOT NULL;
  CREATE INDEX IF NOT EXISTS rm_why_history_by_binding ON ${s}.rm_why_history (user_id, directory_id, generation) WHERE directory_id IS NOT NULL;
  CREATE TABLE IF NOT EXISTS ${s}.rm_why_pushed (
    user_id text NOT NULL, directory_id text NOT NULL, record_version integer NOT NULL, PRIMARY KEY (user_id, directory_id));
  CREATE TABLE IF NOT EXISTS ${s}.rm_why_pushes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, push_id text NOT NULL UNIQUE, user_id text NOT NULL, directory_id text NOT NULL,
    explanation jsonb NOT NULL, outcome_revision bigint NOT NULL DEFAULT -1);
  CREATE INDEX IF NOT EXISTS rm_why_pushes_by_user ON ${s}.rm_why_pushes (user_id, directory_id, seq);
  CREATE TABLE IF NOT EXISTS ${s}.rm_directory_health (
    directory_id text PRIMARY KEY, needs_admin boolean NOT NULL, last_auth_failure jsonb, changed_at text COLLATE "C" NOT NULL);
`;

/** What the read side's views query through: the host's `pg` Pool (or anything with its `query`). */
export type PostgresQueryable = Pick<Pool, 'query'>;

const LOCK_CLASS = 0x7273; // 'rs'

/**
 * Several instances run the same projection on one schema, each from its own checkpoint, so their
 * batches overlap with different bounds; row locks taken in different orders could deadlock. Each
 * batch first takes the projection's transaction-scoped advisory lock: one instance applies at a
 * time, and the others then find the rows in place (`ON CONFLICT DO NOTHING`) and only move their
 * checkpoint.
 */
const oneAtATime =
  (schema: string, name: string, apply: (tx: ClientBase, events: ReadonlyArray<Recorded>) => Promise<void>) =>
  async (tx: ClientBase, events: ReadonlyArray<Recorded>): Promise<void> => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, `${schema}/${name}`]);
    await apply(tx, events);
  };

/** Creates the tables if they are missing, under a transaction-scoped advisory lock (several instances starting at once). */
export const createReadSideTables = async (pool: Pool, schema: string): Promise<void> => {
  const s = quoted(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`takeover-read-side:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(readSideSchema(s));
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
};

const quoted = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`schema must be a plain lower-case identifier: ${schema}`);
  return `"${schema}"`;
};

/** Directory labels as one projection saw them (its own rows: projections never wait on each other's locks). */
const labels = (s: string, projection: string) => ({
  /**
   * Every label this projection knows (a handful of directories), read once per batch; `observe`
   * keeps them current in memory as the batch's directory events pass, `save` writes the ones the
   * batch changed in one statement.
   */
  load: async (tx: ClientBase) => {
    const { rows } = await tx.query<{ directory_id: DirectoryId; label: string }>(
      `SELECT directory_id, label FROM ${s}.rm_labels WHERE projection = $1`,
      [projection],
    );
    const known = new Map(rows.map((r) => [r.directory_id, r.label]));
    const changed = new Map<DirectoryId, string>();
    return {
      observe: (r: Recorded): void => {
        if (r.event.type !== 'DirectoryConnected') return;
        known.set(r.event.data.directoryId, directoryLabel(r.event.data));
        changed.set(r.event.data.directoryId, directoryLabel(r.event.data));
      },
      label: (id: DirectoryId): string => known.get(id) ?? id,
      save: async (): Promise<void> => {
        if (changed.size === 0) return;
        const ids = [...changed.keys()].sort();
        await tx.query(
          `INSERT INTO ${s}.rm_labels (projection, directory_id, label) SELECT $1, d, l FROM unnest($2::text[], $3::text[]) AS x(d, l)
          ON CONFLICT (projection, directory_id) DO UPDATE SET label = excluded.label`,
          [projection, ids, ids.map((id) => changed.get(id))],
        );
      },
    };
  },
});

/** The audit log's projection (`name` keys its checkpoint) and its query view, in `schema` (tables created by `createReadSideTables`). */
export const postgresAuditLog = (
  db: PostgresQueryable,
  schema: string,
  name = 'read-model-audit',
): { readonly projection: Projection<ClientBase>; readonly view: AuditLog } => {
  const s = quoted(schema);
  const names = labels(s, name);
  /**
   * What a set-back push's entry is written from (`auditContextKeys`): the detection and the login,
   * from earlier in this batch when they are there, else from the tables.
   */
  const contextOf = async (
    tx: ClientBase,
    r: Recorded,
    changes: ReadonlyMap<string, IsoTime>,
    logins: ReadonlyMap<string, IsoTime>,
  ): Promise<AuditContext> => {
    const keys = auditContextKeys(r);
    if (keys === undefined) return {};
    const when =
      changes.get(`${keys.userId}\u0000${keys.directoryId}`) ??
      (
        await tx.query<{ changed_at: IsoTime }>(
          `SELECT changed_at FROM ${s}.rm_audit_external_changes WHERE user_id = $1 AND directory_id = $2`,
          [keys.userId, keys.directoryId],
        )
      ).rows[0]?.changed_at;
    const login =
      keys.loginEventId === undefined
        ? undefined
        : (logins.get(keys.loginEventId) ??
          (await tx.query<{ at: IsoTime }>(`SELECT at FROM ${s}.rm_audit_logins WHERE event_id = $1`, [keys.loginEventId])).rows[0]?.at);
    return { ...(when === undefined ? {} : { externalChangedAt: when }), ...(login === undefined ? {} : { loginAt: login }) };
  };
  // A batch in a handful of statements, whatever its size (a catch-up over a long history is
  // thousands of batches): the entries in event order (their seq follows it), then the external
  // changes, the logins among those newly added, then the directories those logins synchronised. An
  // entry already present (a batch delivered again) brings nothing with it, as before.
  const projection: Projection<ClientBase> = {
    name,
    apply: oneAtATime(schema, name, async (tx, events) => {
      const known = await names.load(tx);
      const steps: Array<{ readonly id: string; readonly step: AuditStep }> = [];
      const changesInBatch = new Map<string, IsoTime>();
      const loginsInBatch = new Map<string, IsoTime>();
      for (const r of events) {
        known.observe(r);
        const step = auditStep(r, known.label, await contextOf(tx, r, changesInBatch, loginsInBatch));
        if (step === undefined) continue;
        steps.push({ id: r.id, step });
        const x = step.externalChange;
        if (x !== undefined) changesInBatch.set(`${step.entry.userId}\u0000${x.directoryId}`, x.changedAt);
        if (step.login === true) loginsInBatch.set(r.id, step.entry.at);
      }
      await known.save();
      if (steps.length === 0) return;
      const added = await tx.query<{ event_id: string; seq: string }>(
        `INSERT INTO ${s}.rm_audit_entries (event_id, user_id, entry)
        SELECT e, u, j FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS x(e, u, j, o) ORDER BY o
        ON CONFLICT (event_id) DO NOTHING RETURNING event_id, seq`,
        [steps.map((x) => x.id), steps.map((x) => x.step.entry.userId), steps.map((x) => JSON.stringify(x.step.entry))],
      );
      const seqOf = new Map(added.rows.map((r) => [r.event_id, r.seq]));
      const fresh = steps.flatMap((x) => {
        const seq = seqOf.get(x.id);
        return seq === undefined ? [] : [{ ...x, seq }];
      });
      // The latest detection per user and directory (one row each: an upsert may touch a row once per statement).
      const latest = new Map<string, { readonly userId: string; readonly directoryId: string; readonly changedAt: IsoTime }>();
      for (const x of fresh) {
        const c = x.step.externalChange;
        if (c !== undefined)
          latest.set(`${x.step.entry.userId}\u0000${c.directoryId}`, {
            userId: x.step.entry.userId,
            directoryId: c.directoryId,
            changedAt: c.changedAt,
          });
      }
      if (latest.size > 0) {
        const rows = [...latest.values()];
        await tx.query(
          `INSERT INTO ${s}.rm_audit_external_changes (user_id, directory_id, changed_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
          ON CONFLICT (user_id, directory_id) DO UPDATE SET changed_at = excluded.changed_at`,
          [rows.map((x) => x.userId), rows.map((x) => x.directoryId), rows.map((x) => x.changedAt)],
        );
      }
      const logins = fresh.filter((x) => x.step.login === true);
      if (logins.length > 0)
        await tx.query(
          `INSERT INTO ${s}.rm_audit_logins (event_id, user_id, seq, at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) ON CONFLICT (event_id) DO NOTHING`,
          [logins.map((x) => x.id), logins.map((x) => x.step.entry.userId), logins.map((x) => x.seq), logins.map((x) => x.step.entry.at)],
        );
      const synced = fresh.flatMap((x) => (x.step.synchronised === undefined ? [] : [{ d: x.step.synchronised, seq: x.seq }]));
      if (synced.length > 0)
        await tx.query(
          `INSERT INTO ${s}.rm_audit_login_directories (login_event_id, directory_id, label, at, seq)
          SELECT l, d, lb, a, q FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS x(l, d, lb, a, q, o)
          WHERE EXISTS (SELECT 1 FROM ${s}.rm_audit_logins WHERE event_id = x.l) ORDER BY o
          ON CONFLICT (login_event_id, directory_id) DO NOTHING`,
          [
            synced.map((x) => x.d.loginEventId),
            synced.map((x) => x.d.directoryId),
            synced.map((x) => x.d.label),
            synced.map((x) => x.d.at),
            synced.map((x) => x.seq),
          ],
        );
    }),
  };
  const view: AuditLog = {
    forUser: async (userId) =>
      (await db.query<{ entry: AuditEntry }>(`SELECT entry FROM ${s}.rm_audit_entries WHERE user_id = $1 ORDER BY seq`, [userId])).rows.map(
        (r) => r.entry,
      ),
    page: async (query) => {
      const limit = pageLimit('audit log', query.limit);
      const after = sequenceCursor('audit log', query.after) ?? Number.MAX_SAFE_INTEGER;
      const { rows } =
        query.userId === undefined
          ? await db.query<{ seq: string; entry: AuditEntry }>(
              `SELECT seq, entry FROM ${s}.rm_audit_entries WHERE seq < $1 ORDER BY seq DESC LIMIT $2`,
              [after, limit + 1],
            )
          : await db.query<{ seq: string; entry: AuditEntry }>(
              `SELECT seq, entry FROM ${s}.rm_audit_entries WHERE user_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
              [query.userId, after, limit + 1],
            );
      const shown = rows.slice(0, limit);
      const last = shown[shown.length - 1];
      return { entries: shown.map((r) => r.entry), ...(rows.length > limit && last !== undefined ? { next: String(last.seq) } : {}) };
    },
    logins: async (userId) => {
      const { rows } = await db.query<{
        event_id: string;
        at: IsoTime;
        directory_id: DirectoryId | null;
        label: string | null;
        synced_at: IsoTime | null;
      }>(
        `
        SELECT l.event_id, l.at, d.directory_id, d.label, d.at AS synced_at FROM ${s}.rm_audit_logins l
        LEFT JOIN ${s}.rm_audit_login_directories d ON d.login_event_id = l.event_id WHERE l.user_id = $1 ORDER BY l.seq, d.seq`,
        [userId],
      );
      const out: Array<{ eventId: string; at: IsoTime; synchronised: Array<LoginRecord['synchronised'][number]> }> = [];
      for (const row of rows) {
        let l = out[out.length - 1];
        if (l?.eventId !== row.event_id) {
          l = { eventId: row.event_id, at: row.at, synchronised: [] };
          out.push(l);
        }
        if (row.directory_id !== null && row.synced_at !== null)
          l.synchronised.push({ directoryId: row.directory_id, label: row.label ?? row.directory_id, at: row.synced_at });
      }
      return out;
    },
  };
  return { projection, view };
};

/**
 * The portal notifications' projection and view, in `schema`: one row per notification with its
 * group (the login that caused it), grouped at query time over the `(user_id, group_at)` index. The
 * projection's name is new with the groups (`rm_notices` replaced `rm_notifications`): a schema
 * that had the old table rebuilds the new one from the start.
 */
export const postgresPortalNotifications = (
  db: PostgresQueryable,
  schema: string,
  name = 'read-model-notices',
): { readonly projection: Projection<ClientBase>; readonly view: PortalNotifications } => {
  const s = quoted(schema);
  const names = labels(s, name);
  // A batch in a handful of statements: the moments its pushes may be grouped by and the update
  // groups' first times are read from the tables at once (the batch's own earlier events first),
  // then the moments and the notifications are written in event order (their seq follows it). A
  // notification already present (a batch delivered again) is left as it is.
  const apply = async (tx: ClientBase, events: ReadonlyArray<Recorded>): Promise<void> => {
    const correlations = new Set<string>();
    for (const r of events) {
      const c = r.event.type === 'PushSucceeded' ? r.event.metadata?.correlationId : undefined;
      if (typeof c === 'string') correlations.add(c);
    }
    const stored = new Map<string, NotificationMoment>();
    if (correlations.size > 0) {
      const { rows } = await tx.query<{ event_id: string; user_id: UserId; cause: NotificationCause; at: IsoTime }>(
        `SELECT event_id, user_id, cause, at FROM ${s}.rm_notice_moments WHERE event_id = ANY($1::text[])`,
        [[...correlations]],
      );
      for (const m of rows) stored.set(m.event_id, { eventId: m.event_id, userId: m.user_id, cause: m.cause, at: m.at });
    }
    const known = await names.load(tx);
    const moments = new Map<string, NotificationMoment>();
    const notices: Array<{
      readonly n: PortalNotification;
      readonly cause: NotificationCause;
      readonly at: IsoTime;
      readonly key: string;
    }> = [];
    const pushIds = new Set<string>();
    for (const r of events) {
      known.observe(r);
      const m = notificationMomentOf(r);
      if (m !== undefined && !moments.has(m.eventId)) moments.set(m.eventId, m);
      const g = notificationGroupOf(r, (id) => moments.get(id) ?? stored.get(id));
      const n = notificationOf(r, known.label, g?.id);
      if (n === undefined || g === undefined || pushIds.has(n.id)) continue;
      pushIds.add(n.id);
      notices.push({ n, cause: g.cause, at: g.at, key: `${n.userId}\u0000${g.id}` });
    }
    await known.save();
    if (moments.size > 0) {
      const ms = [...moments.values()];
      await tx.query(
        `INSERT INTO ${s}.rm_notice_moments (event_id, user_id, cause, at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
        ON CONFLICT (event_id) DO NOTHING`,
        [ms.map((m) => m.eventId), ms.map((m) => m.userId), ms.map((m) => m.cause), ms.map((m) => m.at)],
      );
    }
    if (notices.length === 0) return;
    // An update's group keeps the time of its first notification: one already stored, else the batch's first.
    const updates = [...new Map(notices.filter((x) => x.cause === 'update').map((x) => [x.key, x])).values()];
    const firstAt = new Map<string, IsoTime>();
    if (updates.length > 0) {
      const { rows } = await tx.query<{ user_id: string; group_id: string; group_at: IsoTime }>(
        `SELECT DISTINCT ON (n.user_id, n.group_id) n.user_id, n.group_id, n.group_at
        FROM unnest($1::text[], $2::text[]) AS x(u, g) JOIN ${s}.rm_notices n ON n.user_id = x.u AND n.group_id = x.g`,
        [updates.map((x) => x.n.userId), updates.map((x) => x.n.groupId ?? '')],
      );
      for (const r of rows) firstAt.set(`${r.user_id}\u0000${r.group_id}`, r.group_at);
    }
    for (const x of notices) if (x.cause === 'update' && !firstAt.has(x.key)) firstAt.set(x.key, x.at);
    await tx.query(
      `INSERT INTO ${s}.rm_notices (push_id, user_id, group_id, group_cause, group_at, notification)
      SELECT p, u, g, c, a, j FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS x(p, u, g, c, a, j, o)
      ORDER BY o ON CONFLICT (push_id) DO NOTHING`,
      [
        notices.map((x) => x.n.id),
        notices.map((x) => x.n.userId),
        notices.map((x) => x.n.groupId ?? ''),
        notices.map((x) => x.cause),
        notices.map((x) => (x.cause === 'update' ? (firstAt.get(x.key) ?? x.at) : x.at)),
        notices.map((x) => JSON.stringify(x.n)),
      ],
    );
  };
  return {
    projection: { name, apply: oneAtATime(schema, name, apply) },
    view: {
      forUser: async (userId, limit) => {
        const n = pageLimit('portal notifications', limit);
        return (
          await db.query<{ notification: PortalNotification }>(
            `SELECT notification FROM ${s}.rm_notices WHERE user_id = $1 ORDER BY seq DESC LIMIT $2`,
            [userId, n],
          )
        ).rows.map((r) => r.notification);
      },
      recent: async (userId, query) => {
        const { limit, leaveOut } = recentLimits(query);
        const groups = (
          await db.query<{ group_id: string; group_cause: NotificationCause; group_at: IsoTime }>(
            `SELECT group_id, group_cause, group_at FROM ${s}.rm_notices
            WHERE user_id = $1 AND group_at >= $2 AND group_id <> ALL($3::text[])
            GROUP BY group_id, group_cause, group_at ORDER BY max(seq) DESC LIMIT $4`,
            [userId, query?.since ?? '', leaveOut, limit],
          )
        ).rows;
        const items = new Map<string, PortalNotification[]>();
        const { rows } = await db.query<{ group_id: string; notification: PortalNotification }>(
          `SELECT group_id, notification FROM ${s}.rm_notices WHERE user_id = $1 AND group_id = ANY($2::text[]) ORDER BY seq`,
          [userId, groups.map((g) => g.group_id)],
        );
        for (const row of rows) {
          const list = items.get(row.group_id) ?? [];
          list.push(row.notification);
          items.set(row.group_id, list);
        }
        return groups.map((g) => ({
          id: g.group_id,
          userId,
          cause: g.group_cause,
          at: g.group_at,
          heading: groupHeading(g.group_cause, g.group_at),
          notifications: items.get(g.group_id) ?? [],
        }));
      },
    },
  };
};

/** "Why"'s projection and view, in `schema`: a push is explained from the user's history rows when it starts. */
export const postgresWhyView = (
  db: PostgresQueryable,
  schema: string,
  name = 'read-model-why',
): { readonly projection: Projection<ClientBase>; readonly view: WhyView } => {
  const s = quoted(schema);
  const names = labels(s, name);
  /**
   * A batch in a bounded number of statements. Each push started in it is explained from what
   * explainPush may pick from, in the user's order: the history rows already stored that match it
   * (the changes in its version range, the binding, the carrying login; read for all the batch's
   * pushes at once, before the batch's own rows are written), then the user's history items from
   * earlier in the batch. Its `since` is the highest record version pushed there successfully,
   * stored or earlier in the batch. A push already explained (a batch delivered again) keeps its
   * explanation; the outcome of the latest attempt (the highest revision of the user's stream) wins.
   */
  const apply = async (tx: ClientBase, events: ReadonlyArray<Recorded>): Promise<void> => {
    const known = await names.load(tx);
    const history: Array<{ readonly eventId: string; readonly userId: UserId; readonly item: WhyHistoryItem }> = [];
    const historyOf = new Map<UserId, WhyHistoryItem[]>();
    const pushedInBatch = new Map<string, number>();
    const pushed = new Map<string, { readonly userId: UserId; readonly directoryId: DirectoryId; readonly recordVersion: number }>();
    const outcomes = new Map<string, { readonly revision: number; readonly outcome: NonNullable<PushExplanation['outcome']> }>();
    interface Start {
      readonly r: Recorded;
      readonly pushId: string;
      readonly userId: UserId;
      readonly directoryId: DirectoryId;
      readonly recordVersion: number;
      readonly generation: number;
      readonly correlation: string;
      /** How many of the user's items from this batch come before it. */
      readonly before: number;
      readonly sinceInBatch: number;
    }
    const starts: Start[] = [];
    const started = new Set<string>();
    for (const r of events) {
      known.observe(r);
      const e = r.event;
      if (!('userId' in e.data)) continue;
      const userId = e.data.userId;
      const list = historyOf.get(userId) ?? [];
      historyOf.set(userId, list);
      const item = whyHistoryItem(r, known.label);
      if (item !== undefined) {
        history.push({ eventId: r.id, userId, item });
        list.push(item);
      }
      switch (e.type) {
        case 'PushStarted': {
          if (started.has(e.data.pushId)) break;
          started.add(e.data.pushId);
          const correlation = e.metadata?.correlationId;
          starts.push({
            r,
            pushId: e.data.pushId,
            userId,
            directoryId: e.data.directoryId,
            recordVersion: e.data.recordVersion,
            generation: e.data.generation,
            correlation: typeof correlation === 'string' ? correlation : '',
            before: list.length,
            sinceInBatch: pushedInBatch.get(`${userId}\u0000${e.data.directoryId}`) ?? 0,
          });
          break;
        }
        case 'PushSucceeded': {
          const key = `${userId}\u0000${e.data.directoryId}`;
          const v = Math.max(pushedInBatch.get(key) ?? 0, e.data.recordVersion);
          pushedInBatch.set(key, v);
          pushed.set(key, { userId, directoryId: e.data.directoryId, recordVersion: v });
          outcomes.set(e.data.pushId, { revision: r.revision, outcome: { status: 'succeeded', at: e.data.at } });
          break;
        }
        case 'PushFailed':
          outcomes.set(e.data.pushId, { revision: r.revision, outcome: { status: 'failed', at: e.data.at, failure: e.data.failure } });
          break;
        default:
          break;
      }
    }
    await known.save();
    const explained: Array<{ readonly start: Start; readonly p: PushExplanation }> = [];
    if (starts.length > 0) {
      const { rows: stored } = await tx.query<{ push_id: string }>(
        `SELECT push_id FROM ${s}.rm_why_pushes WHERE push_id = ANY($1::text[])`,
        [starts.map((x) => x.pushId)],
      );
      const already = new Set(stored.map((r) => r.push_id));
      const fresh = starts.filter((x) => !already.has(x.pushId));
      if (fresh.length > 0) {
        const { rows: sinceRows } = await tx.query<{ user_id: string; directory_id: string; record_version: number }>(
          `SELECT p.user_id, p.directory_id, p.record_version FROM unnest($1::text[], $2::text[]) AS x(u, d)
          JOIN ${s}.rm_why_pushed p ON p.user_id = x.u AND p.directory_id = x.d`,
          [fresh.map((x) => x.userId), fresh.map((x) => x.directoryId)],
        );
        const storedSince = new Map(sinceRows.map((r) => [`${r.user_id}\u0000${r.directory_id}`, r.record_version]));
        const sinces = fresh.map((x) => Math.max(storedSince.get(`${x.userId}\u0000${x.directoryId}`) ?? 0, x.sinceInBatch));
        const { rows: candidates } = await tx.query<{ o: string; event_id: string; item: WhyHistoryItem }>(
          `SELECT x.o, h.event_id, h.item FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::int[], $6::text[])
            WITH ORDINALITY AS x(u, since, v, d, g, c, o)
          CROSS JOIN LATERAL (
            SELECT seq, event_id, item FROM ${s}.rm_why_history WHERE user_id = x.u AND record_version > x.since AND record_version <= x.v
            UNION SELECT seq, event_id, item FROM ${s}.rm_why_history WHERE user_id = x.u AND directory_id = x.d AND generation = x.g
            UNION SELECT seq, event_id, item FROM ${s}.rm_why_history WHERE event_id = x.c AND user_id = x.u) AS h
          ORDER BY x.o, h.seq`,
          [
            fresh.map((x) => x.userId),
            sinces,
            fresh.map((x) => x.recordVersion),
            fresh.map((x) => x.directoryId),
            fresh.map((x) => x.generation),
            fresh.map((x) => x.correlation),
          ],
        );
        const storedFor = new Map<number, Array<{ readonly eventId: string; readonly item: WhyHistoryItem }>>();
        for (const c of candidates) {
          const i = Number(c.o) - 1;
          storedFor.set(i, [...(storedFor.get(i) ?? []), { eventId: c.event_id, item: c.item }]);
        }
        fresh.forEach((x, i) => {
          const fromTables = storedFor.get(i) ?? [];
          const inTables = new Set(fromTables.map((c) => c.eventId));
          // Rows of this batch already stored (a batch overlapping one applied before) are taken once, from the tables.
          const fromBatch = (historyOf.get(x.userId) ?? []).slice(0, x.before).filter((item) => !inTables.has(item.eventId));
          const p = explainPush(x.r, [...fromTables.map((c) => c.item), ...fromBatch], sinces[i] ?? 0);
          if (p !== undefined) explained.push({ start: x, p });
        });
      }
    }
    if (history.length > 0)
      await tx.query(
        `INSERT INTO ${s}.rm_why_history (event_id, user_id, item, record_version, directory_id, generation)
        SELECT e, u, j, v, d, g FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::int[], $5::text[], $6::int[]) WITH ORDINALITY AS x(e, u, j, v, d, g, o)
        ORDER BY o ON CONFLICT (event_id) DO NOTHING`,
        [
          history.map((h) => h.eventId),
          history.map((h) => h.userId),
          history.map((h) => JSON.stringify(h.item)),
          history.map((h) => h.item.recordVersion ?? null),
          history.map((h) => h.item.directoryId ?? null),
          history.map((h) => h.item.generation ?? null),
        ],
      );
    if (explained.length > 0)
      await tx.query(
        `INSERT INTO ${s}.rm_why_pushes (push_id, user_id, directory_id, explanation)
        SELECT p, u, d, j FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS x(p, u, d, j, o)
        ORDER BY o ON CONFLICT (push_id) DO NOTHING`,
        [
          explained.map((x) => x.start.pushId),
          explained.map((x) => x.start.userId),
          explained.map((x) => x.start.directoryId),
          explained.map((x) => JSON.stringify(x.p)),
        ],
      );
    if (pushed.size > 0) {
      const rows = [...pushed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
      await tx.query(
        `INSERT INTO ${s}.rm_why_pushed (user_id, directory_id, record_version) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
        ON CONFLICT (user_id, directory_id) DO UPDATE SET record_version = greatest(${s}.rm_why_pushed.record_version, excluded.record_version)`,
        [rows.map((p) => p.userId), rows.map((p) => p.directoryId), rows.map((p) => p.recordVersion)],
      );
    }
    if (outcomes.size > 0) {
      const rows = [...outcomes.entries()];
      await tx.query(
        `UPDATE ${s}.rm_why_pushes AS w SET explanation = w.explanation || jsonb_build_object('outcome', x.o), outcome_revision = x.r
        FROM unnest($1::text[], $2::jsonb[], $3::bigint[]) AS x(p, o, r) WHERE w.push_id = x.p AND w.outcome_revision < x.r`,
        [rows.map(([id]) => id), rows.map(([, o]) => JSON.stringify(o.outcome)), rows.map(([, o]) => o.revision)],
      );
    }
  };
  return {
    projection: { name, apply: oneAtATime(schema, name, apply) },
    view: {
      why: async (pushId) =>
        (await db.query<{ explanation: PushExplanation }>(`SELECT explanation FROM ${s}.rm_why_pushes WHERE push_id = $1`, [pushId]))
          .rows[0]?.explanation,
      pushesOf: async (userId, directoryId) =>
        (directoryId === undefined
          ? await db.query<{ explanation: PushExplanation }>(`SELECT explanation FROM ${s}.rm_why_pushes WHERE user_id = $1 ORDER BY seq`, [
              userId,
            ])
          : await db.query<{ explanation: PushExplanation }>(
              `SELECT explanation FROM ${s}.rm_why_pushes WHERE user_id = $1 AND directory_id = $2 ORDER BY seq`,
              [userId, directoryId],
            )
        ).rows.map((r) => r.explanation),
    },
  };
};

/**
 * Directory health's projection and view, in `schema`. Events of many users' streams change one
 * directory's row, so a row remembers the time of the event that last changed it: an older event
 * delivered again does not undo a newer one.
 */
export const postgresDirectoryHealth = (
  db: PostgresQueryable,
  schema: string,
  name = 'read-model-directory-health',
): { readonly projection: Projection<ClientBase>; readonly view: DirectoryHealthView } => {
  const s = quoted(schema);
  return {
    projection: {
      name,
      // The batch's steps folded in memory over the rows of the directories it touches (read once), by
      // the same rule each step followed as a statement; the rows it changed written in one.
      apply: oneAtATime(schema, name, async (tx, events) => {
        const steps = events.flatMap((r) => {
          const step = healthStep(r);
          return step === undefined ? [] : [step];
        });
        if (steps.length === 0) return;
        interface Row {
          readonly needsAdmin: boolean;
          readonly lastAuthFailure: (PushFailure & { readonly at: IsoTime }) | null;
          readonly changedAt: IsoTime;
        }
        const { rows } = await tx.query<{
          directory_id: DirectoryId;
          needs_admin: boolean;
          last_auth_failure: Row['lastAuthFailure'];
          changed_at: IsoTime;
        }>(`SELECT * FROM ${s}.rm_directory_health WHERE directory_id = ANY($1::text[]) ORDER BY directory_id FOR UPDATE`, [
          [...new Set(steps.map((x) => x.directoryId))],
        ]);
        const health = new Map<DirectoryId, Row>(
          rows.map((r) => [r.directory_id, { needsAdmin: r.needs_admin, lastAuthFailure: r.last_auth_failure, changedAt: r.changed_at }]),
        );
        const changed = new Set<DirectoryId>();
        for (const step of steps) {
          const row = health.get(step.directoryId);
          if (step.needsAdmin === true) {
            // An auth failure marks it, unless a later event already changed the row.
            if (row !== undefined && step.at < row.changedAt) continue;
            health.set(step.directoryId, { needsAdmin: true, lastAuthFailure: step.lastAuthFailure, changedAt: step.at });
          } else {
            // A success clears the mark an earlier (or simultaneous) failure set.
            if (row === undefined || !row.needsAdmin || row.changedAt > step.at) continue;
            health.set(step.directoryId, { ...row, needsAdmin: false, changedAt: step.at });
          }
          changed.add(step.directoryId);
        }
        if (changed.size === 0) return;
        const ids = [...changed].sort();
        const out = ids.flatMap((id) => {
          const row = health.get(id);
          return row === undefined ? [] : [{ id, row }];
        });
        await tx.query(
          `INSERT INTO ${s}.rm_directory_health (directory_id, needs_admin, last_auth_failure, changed_at)
          SELECT * FROM unnest($1::text[], $2::boolean[], $3::jsonb[], $4::text[])
          ON CONFLICT (directory_id) DO UPDATE SET needs_admin = excluded.needs_admin, last_auth_failure = excluded.last_auth_failure,
          changed_at = excluded.changed_at`,
          [
            out.map((x) => x.id),
            out.map((x) => x.row.needsAdmin),
            out.map((x) => (x.row.lastAuthFailure === null ? null : JSON.stringify(x.row.lastAuthFailure))),
            out.map((x) => x.row.changedAt),
          ],
        );
      }),
    },
    view: {
      directoryHealth: async (directoryId) => {
        const row = (
          await db.query<{ needs_admin: boolean; last_auth_failure: (PushFailure & { readonly at: IsoTime }) | null }>(
            `SELECT needs_admin, last_auth_failure FROM ${s}.rm_directory_health WHERE directory_id = $1`,
            [directoryId],
          )
        ).rows[0];
        const health: DirectoryHealth =
          row === undefined
            ? { directoryId, needsAdmin: false }
            : {
                directoryId,
                needsAdmin: row.needs_admin,
                ...(row.last_auth_failure === null ? {} : { lastAuthFailure: row.last_auth_failure }),
              };
        return health;
      },
    },
  };
};

/** The four read-side views in one schema, and their projections for `runProjections`. */
export interface PostgresReadSide {
  readonly projections: ReadonlyArray<Projection<ClientBase>>;
  readonly audit: AuditLog;
  readonly notifications: PortalNotifications;
  readonly why: WhyView;
  readonly health: DirectoryHealthView;
}

/** The audit log, portal notifications, "why" and directory health in the event store's schema, tables created if missing. */
export const postgresReadSide = async (pool: Pool, store: { readonly schema: string }): Promise<PostgresReadSide> => {
  const { schema } = store;
  await createReadSideTables(pool, schema);
  const audit = postgresAuditLog(pool, schema);
  const notifications = postgresPortalNotifications(pool, schema);
  const why = postgresWhyView(pool, schema);
  const health = postgresDirectoryHealth(pool, schema);
  return {
    projections: [audit.projection, notifications.projection, why.projection, health.projection],
    audit: audit.view,
    notifications: notifications.view,
    why: why.view,
    health: health.view,
  };
};
