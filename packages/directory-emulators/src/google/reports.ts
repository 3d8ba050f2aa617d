// The Reports API's activities.list, only as far as a connector's diagnose probe and a first look at
// password changes need (admin.reports v1; developers.google.com/workspace/admin/reports/reference/rest/v1/activities/list):
// `applicationName=admin` lists the admin audit (CHANGE_PASSWORD "Password changed for …" with the
// acting admin), `user_accounts` the users' own password changes (none here: the emulator has no
// user-facing sign-in). Scope admin.reports.audit.readonly. Filters beyond `eventName` are not modelled.
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
}

const activity = (s: GoogleState, a: GoogleAuditEntry): Record<string, unknown> => ({
  kind: 'admin#reports#activity',
  id: { time: a.time, uniqueQualifier: String(a.id), applicationName: 'admin', customerId: s.customerId },
  actor: { email: a.actorEmail, profileId: findUser(s, a.actorEmail)?.id ?? '' },
  events: [{ type: 'USER_SETTINGS', name: a.eventName, parameters: [{ name: 'USER_EMAIL', value: a.userEmail }] }],
});

export const listActivities = (
  s: GoogleState,
  userKey: string,
  application: string,
  p: ActivityParams,
): E.Either<GoogleApiError, Record<string, unknown>> => {
  if (!APPLICATIONS.includes(application)) return E.left(invalidInput('applicationName'));
  const max = p.maxResults === undefined ? 1000 : Number(p.maxResults);
  if (!Number.isInteger(max) || max < 1 || max > 1000) return E.left(invalidInput('maxResults'));
  const actor = userKey === 'all' ? undefined : findUser(s, userKey);
  const items =
    application !== 'admin'
      ? []
      : [...s.audit]
          .reverse()
          .filter((a) => actor === undefined || a.actorEmail.toLowerCase() === actor.primaryEmail.toLowerCase())
          .filter((a) => p.eventName === undefined || a.eventName === p.eventName)
          .slice(0, max)
          .map((a) => activity(s, a));
  return E.right({ kind: 'admin#reports#activities', ...(items.length > 0 ? { items } : {}) });
};
