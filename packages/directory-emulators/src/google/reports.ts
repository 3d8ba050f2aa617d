// The Reports API's activities.list (admin.reports v1;
// developers.google.com/workspace/admin/reports/reference/rest/v1/activities/list), as far as
// noticing password changes needs:
// - `applicationName=admin`: the Admin console audit. An admin's (or a service account's delegated
//   admin's) password set is `USER_SETTINGS` / `CHANGE_PASSWORD` with the acting admin as `actor`
//   and the account in the `USER_EMAIL` parameter.
// - `applicationName=user_accounts`: the users' own account changes. A user changing their own
//   password is `password_change` / `password_edit`, with the user as `actor`.
// `userKey` is the actor (`all` for everyone); filters `eventName`, `startTime`, `endTime`
// (RFC 3339, inclusive), `filters` (`USER_EMAIL==…`), `maxResults` (1–1000, default 1000) and `pageToken`; newest first.
// Reports lag: an event is listed only `reportsLagMs` after it happened ("Data retention and lag
// times", support.google.com/a/answer/7061566: admin and user log events are "near real time
// (couple of minutes)", and rarely later). Scope admin.reports.audit.readonly.
import * as E from 'fp-ts/lib/Either.js';
import type { GoogleApiError } from './errors.js';
import { invalidInput } from './errors.js';
import type { GoogleAuditEntry, GoogleState } from './state.js';
import { findUser } from './state.js';

export const REPORTS_PATH = '/admin/reports/v1/activity/users';

const APPLICATIONS: ReadonlyArray<string> = [
  'access_transparency',
  'admin',
  'calendar',
  'chat',
  'drive',
  'gcp',
  'gplus',
  'groups',
  'groups_enterprise',
  'jamboard',
  'login',
  'meet',
  'mobile',
  'rules',
  'saml',
  'token',
  'user_accounts',
  'context_aware_access',
  'chrome',
  'data_studio',
  'keep',
];

export interface ActivityParams {
  readonly eventName?: string | undefined;
  readonly maxResults?: string | undefined;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly pageToken?: string | undefined;
  /** `NAME==value` or `NAME<>value`, comma-separated, on the events' parameters (`USER_EMAIL==kim@example.com`). */
  readonly filters?: string | undefined;
}

const applicationOf = (a: GoogleAuditEntry): string => a.application ?? 'admin';

const activity = (s: GoogleState, a: GoogleAuditEntry): Record<string, unknown> => ({
  kind: 'admin#reports#activity',
  id: { time: a.time, uniqueQualifier: String(a.id), applicationName: applicationOf(a), customerId: s.customerId },
  actor: { email: a.actorEmail, profileId: findUser(s, a.actorEmail)?.id ?? '' },
  events:
    a.application === 'user_accounts'
      ? [{ type: 'password_change', name: a.eventName }]
      : [{ type: 'USER_SETTINGS', name: a.eventName, parameters: [{ name: 'USER_EMAIL', value: a.userEmail }] }],
});

const parameterOf = (a: GoogleAuditEntry, name: string): string | undefined =>
  a.application === undefined && name === 'USER_EMAIL' ? a.userEmail : undefined;

type Filter = (a: GoogleAuditEntry) => boolean;
const parseFilters = (raw: string | undefined): E.Either<GoogleApiError, ReadonlyArray<Filter>> => {
  if (raw === undefined || raw === '') return E.right([]);
  const out: Filter[] = [];
  for (const part of raw.split(',')) {
    const m = /^([A-Za-z_]+)(==|<>)(.*)$/.exec(part.trim());
    if (m === null) return E.left(invalidInput('filters'));
    const [, name = '', op, value = ''] = m;
    out.push((a) => (parameterOf(a, name)?.toLowerCase() === value.toLowerCase()) === (op === '=='));
  }
  return E.right(out);
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const time = (v: string | undefined, field: string): E.Either<GoogleApiError, number | undefined> => {
  if (v === undefined) return E.right(undefined);
  const ms = Date.parse(v);
  return RFC3339.test(v) && !Number.isNaN(ms) ? E.right(ms) : E.left(invalidInput(field));
};

export const listActivities = (
  s: GoogleState,
  userKey: string,
  application: string,
  p: ActivityParams,
  now: number,
  lagMs: number,
): E.Either<GoogleApiError, Record<string, unknown>> => {
  if (!APPLICATIONS.includes(application)) return E.left(invalidInput('applicationName'));
  const max = p.maxResults === undefined ? 1000 : Number(p.maxResults);
  if (!Number.isInteger(max) || max < 1 || max > 1000) return E.left(invalidInput('maxResults'));
  const start = time(p.startTime, 'startTime');
  if (E.isLeft(start)) return start;
  const end = time(p.endTime, 'endTime');
  if (E.isLeft(end)) return end;
  if (start.right !== undefined && end.right !== undefined && start.right > end.right)
    return E.left(invalidInput('Start time must be less than or equal to the end time'));
  const filters = parseFilters(p.filters);
  if (E.isLeft(filters)) return filters;
  const offset = p.pageToken === undefined ? 0 : Number(Buffer.from(p.pageToken, 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0) return E.left(invalidInput('pageToken'));
  const actor = userKey === 'all' ? undefined : findUser(s, userKey);
  if (userKey !== 'all' && actor === undefined) return E.left(invalidInput('userKey'));
  const all = [...s.audit]
    .reverse()
    .filter((a) => applicationOf(a) === application)
    .filter((a) => Date.parse(a.time) + lagMs <= now)
    .filter((a) => start.right === undefined || Date.parse(a.time) >= start.right)
    .filter((a) => end.right === undefined || Date.parse(a.time) <= end.right)
    .filter((a) => actor === undefined || a.actorEmail.toLowerCase() === actor.primaryEmail.toLowerCase())
    .filter((a) => p.eventName === undefined || a.eventName === p.eventName)
    .filter((a) => filters.right.every((f) => f(a)));
  const items = all.slice(offset, offset + max).map((a) => activity(s, a));
  const next = offset + max < all.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
  return E.right({
    kind: 'admin#reports#activities',
    ...(items.length > 0 ? { items } : {}),
    ...(next === undefined ? {} : { nextPageToken: next }),
  });
};
