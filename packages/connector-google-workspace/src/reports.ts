// R16 for Google Workspace: the user resource has no password-change time, so password changes
// made in Google come from the Admin SDK Reports API's activities.list
// (developers.google.com/workspace/admin/reports/reference/rest/v1/activities/list), scope
// admin.reports.audit.readonly:
// - `user_accounts` / `password_edit` (type `password_change`): the user changed their own
//   password; the actor is the user, `actor.profileId` their immutable id.
// - `admin` / `CHANGE_PASSWORD`: an admin set it, the account in the `USER_EMAIL` parameter. Ours
//   are made by the admin the service account impersonates: those are left out (a dedicated
//   admin for Takeover keeps a colleague's console reset from being mistaken for ours).
// Reports lag ("near real time (couple of minutes)", rarely more: support.google.com/a/answer/7061566),
// so the sweep's cursor starts each sweep an overlap window before the previous one started; a
// change seen twice is recorded once by the engine.
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { admin_reports_v1 } from '@googleapis/admin';
import type { ConnectorError, ExternalUserId, PasswordChange, PasswordChangePage } from '@takeover/connector-kit';
import { externalUserId, permanent } from '@takeover/connector-kit';
import type { GoogleCall } from './call.js';
import { GoogleUser } from './codecs.js';
import type { admin_directory_v1 } from '@googleapis/admin';

/** How far back each sweep starts before the previous one did: past the documented reports lag, with room for its rare excesses. */
export const REPORTS_OVERLAP_MS = 60 * 60_000;
/** A guard against a feed that never ends: 100 pages of 1,000 events per application and sweep. */
const MAX_PAGES = 100;

const Activity = t.partial({
  id: t.partial({ time: t.string, applicationName: t.string }),
  actor: t.partial({ email: t.string, profileId: t.string }),
  events: t.array(t.partial({ type: t.string, name: t.string, parameters: t.array(t.partial({ name: t.string, value: t.string })) })),
});
type Activity = t.TypeOf<typeof Activity>;
const ActivityList = t.partial({ items: t.array(Activity), nextPageToken: t.string }, 'ActivityList');

/**
 * The sweep's cursor. Between rounds: `since`, where the next round's startTime is (absent: the
 * whole retained audit). Within a round: which application is being read (`app`, `user_accounts`
 * then `admin`), its `pageToken`, and `next`, the round's successor `since`.
 */
const Cursor = t.intersection([
  t.type({ v: t.literal(1) }),
  t.partial({ since: t.string, next: t.string, app: t.keyof({ user_accounts: null, admin: null }), pageToken: t.string }),
]);
type Cursor = t.TypeOf<typeof Cursor>;

type Call = <A>(call: GoogleCall<A>) => TaskEither<ConnectorError, A>;

export interface ReportsEnv {
  readonly call: Call;
  readonly reports: admin_reports_v1.Admin;
  readonly users: admin_directory_v1.Resource$Users;
  /** Our own acting admin (the impersonated subject): its CHANGE_PASSWORD events are ours. */
  readonly actor: string;
  readonly now: () => number;
}

interface Filter {
  readonly userKey: string;
  readonly applicationName: 'user_accounts' | 'admin';
  readonly eventName: string;
  readonly startTime?: string;
  readonly filters?: string;
  readonly maxResults?: number;
}

const left = (e: ConnectorError) => E.left(e);

/** Every activity matching `f`, newest first, following nextPageToken. */
const listAll =
  (env: ReportsEnv, f: Filter): TaskEither<ConnectorError, ReadonlyArray<Activity>> =>
  async () => {
    const out: Activity[] = [];
    let pageToken: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const token = pageToken;
      const r = await env.call({
        operation: `activities.list ${f.applicationName}`,
        run: (o) => env.reports.activities.list({ ...f, ...(token === undefined ? {} : { pageToken: token }) }, o),
        decode: ActivityList,
      })();
      if (E.isLeft(r)) return r;
      out.push(...(r.right.items ?? []));
      if (f.maxResults !== undefined && out.length >= f.maxResults) return E.right(out);
      pageToken = r.right.nextPageToken;
      if (pageToken === undefined || pageToken === '') return E.right(out);
    }
    return left(
      permanent('invalid', { code: 'unexpected-response', message: `activities.list ${f.applicationName}: more than ${MAX_PAGES} pages` }),
    );
  };

const timeOf = (a: Activity): number | undefined => {
  const ms = Date.parse(a.id?.time ?? '');
  return Number.isNaN(ms) ? undefined : ms;
};
const targetEmail = (a: Activity): string | undefined =>
  a.events?.flatMap((e) => e.parameters ?? []).find((p) => p.name === 'USER_EMAIL')?.value;
const ours = (env: ReportsEnv, a: Activity): boolean => (a.actor?.email ?? '').toLowerCase() === env.actor.toLowerCase();

/** The account's immutable id for an email (admin events name the account by email only). */
const idOf =
  (env: ReportsEnv, email: string): TaskEither<ConnectorError, ExternalUserId | undefined> =>
  async () => {
    const r = await env.call({ operation: 'users.get', run: (o) => env.users.get({ userKey: email }, o), decode: GoogleUser })();
    if (E.isRight(r)) return E.right(externalUserId(r.right.id));
    // Deleted since: nothing to set back.
    return r.left._tag === 'permanent' && r.left.reason === 'not-found' ? E.right(undefined) : r;
  };

/** The changes one page of activities holds, not ours, each with the account's id. */
const changesIn = async (
  env: ReportsEnv,
  app: 'user_accounts' | 'admin',
  items: ReadonlyArray<Activity>,
): Promise<E.Either<ConnectorError, PasswordChange[]>> => {
  const out: PasswordChange[] = [];
  const ids = new Map<string, ExternalUserId | undefined>();
  for (const a of items) {
    const at = timeOf(a);
    if (at === undefined) continue;
    const by = a.actor?.email === undefined ? {} : { by: a.actor.email };
    if (app === 'user_accounts') {
      const id = a.actor?.profileId;
      if (id !== undefined && id !== '') out.push({ externalId: externalUserId(id), changedAt: new Date(at), ...by });
      continue;
    }
    const email = targetEmail(a)?.toLowerCase();
    if (email === undefined || ours(env, a)) continue;
    if (!ids.has(email)) {
      const id = await idOf(env, email)();
      if (E.isLeft(id)) return id;
      ids.set(email, id.right);
    }
    const id = ids.get(email);
    if (id !== undefined) out.push({ externalId: id, changedAt: new Date(at), ...by });
  }
  return E.right(out);
};

const EVENT: Readonly<Record<'user_accounts' | 'admin', string>> = { user_accounts: 'password_edit', admin: 'CHANGE_PASSWORD' };

/** One page: of `user_accounts` password_edit events, then of `admin` CHANGE_PASSWORD events, since the cursor's time. */
export const googlePasswordChangesSince =
  (env: ReportsEnv) =>
  (cursor: string | null): TaskEither<ConnectorError, PasswordChangePage> =>
  async () => {
    let c: Cursor = { v: 1 };
    if (cursor !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(cursor);
      } catch {
        parsed = undefined;
      }
      const decoded = Cursor.decode(parsed);
      if (E.isLeft(decoded) || [decoded.right.since, decoded.right.next].some((x) => x !== undefined && Number.isNaN(Date.parse(x)))) {
        return left(permanent('invalid', { code: 'bad-cursor', message: 'the sweep cursor is not one this connector gave' }));
      }
      c = decoded.right;
    }
    const app = c.app ?? 'user_accounts';
    // A new round: the next one starts an overlap window before this one (the reports lag).
    const overlapStart = new Date(env.now() - REPORTS_OVERLAP_MS).toISOString();
    const next = c.next ?? (c.since !== undefined && c.since > overlapStart ? c.since : overlapStart);
    const pageToken = c.pageToken;
    const r = await env.call({
      operation: `activities.list ${app}`,
      run: (o) =>
        env.reports.activities.list(
          {
            userKey: 'all',
            applicationName: app,
            eventName: EVENT[app],
            maxResults: 1000,
            ...(c.since === undefined ? {} : { startTime: c.since }),
            ...(pageToken === undefined ? {} : { pageToken }),
          },
          o,
        ),
      decode: ActivityList,
    })();
    if (E.isLeft(r)) return r;
    const changes = await changesIn(env, app, r.right.items ?? []);
    if (E.isLeft(changes)) return changes;
    const token = r.right.nextPageToken;
    const base = { v: 1 as const, ...(c.since === undefined ? {} : { since: c.since }), next };
    const after: Cursor | undefined =
      token !== undefined && token !== ''
        ? { ...base, app, pageToken: token }
        : app === 'user_accounts'
          ? { ...base, app: 'admin' }
          : undefined;
    return E.right(
      after === undefined
        ? { changes: changes.right, cursor: JSON.stringify({ v: 1, since: next }), more: false }
        : { changes: changes.right, cursor: JSON.stringify(after), more: true },
    );
  };

/** At login: the latest password change of one account that is not ours (its own change, or another admin's). */
export const googleExternalPasswordChange =
  (env: ReportsEnv) =>
  (externalId: ExternalUserId): TaskEither<ConnectorError, PasswordChange | null> =>
  async () => {
    const u = await env.call({ operation: 'users.get', run: (o) => env.users.get({ userKey: externalId }, o), decode: GoogleUser })();
    if (E.isLeft(u)) return u;
    const email = u.right.primaryEmail;
    const own = await listAll(env, { userKey: email, applicationName: 'user_accounts', eventName: 'password_edit', maxResults: 1 })();
    if (E.isLeft(own)) return own;
    const admin = await listAll(env, {
      userKey: 'all',
      applicationName: 'admin',
      eventName: 'CHANGE_PASSWORD',
      filters: `USER_EMAIL==${email}`,
    })();
    if (E.isLeft(admin)) return admin;
    const candidates = [
      ...own.right.map((a) => ({ a, at: timeOf(a) })),
      ...admin.right
        .filter((a) => !ours(env, a) && targetEmail(a)?.toLowerCase() === email.toLowerCase())
        .map((a) => ({ a, at: timeOf(a) })),
    ]
      .filter((x): x is { a: Activity; at: number } => x.at !== undefined)
      .sort((x, y) => y.at - x.at);
    const latest = candidates[0];
    return E.right(
      latest === undefined
        ? null
        : { externalId, changedAt: new Date(latest.at), ...(latest.a.actor?.email === undefined ? {} : { by: latest.a.actor.email }) },
    );
  };
