// The admin's two sessions on a test host: the API's bearer token (the host's ADMIN_API_KEY) and the
// console's cookie session, logged in through the login form with the first start's generated account.
import { reveal } from '@takeover/core';
import { FormClient } from './formClient.js';
import { call, type CallResult, type TestHost } from './testHost.js';

type ApiHost = Pick<TestHost, 'url' | 'adminToken'>;

/** One request to the host's API as the admin: `body` as JSON, `headers` added. */
export const adminCall = (
  host: ApiHost,
  method: string,
  path: string,
  body?: unknown,
  headers?: Readonly<Record<string, string>>,
): Promise<CallResult> =>
  call(host, method, path, {
    token: host.adminToken,
    ...(body === undefined ? {} : { body }),
    ...(headers === undefined ? {} : { headers }),
  });

export type AdminApi = (method: string, path: string, body?: unknown, headers?: Readonly<Record<string, string>>) => Promise<CallResult>;

/**
 * `adminCall` bound to a host. Give a function when the host is started in `beforeAll` (or restarted
 * by a test): it is read at each request.
 */
export const adminApi =
  (host: ApiHost | (() => ApiHost)): AdminApi =>
  (method, path, body, headers) =>
    adminCall(typeof host === 'function' ? host() : host, method, path, body, headers);

/**
 * A console session: a form client logged in with the admin account the host created at its first
 * start (so a fresh DATA_DIR). Expects the login's 303, and its target when `landsOn` is given.
 */
export const adminConsole = async (
  host: Pick<TestHost, 'url' | 'app'>,
  options: { readonly landsOn?: string } = {},
): Promise<FormClient> => {
  const first = host.app.firstStart;
  if (first === undefined) throw new Error('fresh DATA_DIR: first start expected');
  const admin = new FormClient(host);
  const done = await admin.submit('/admin/login', '/admin/login', { email: first.adminEmail, password: reveal(first.adminPassword) });
  expect(done.status).toBe(303);
  if (options.landsOn !== undefined) expect(done.location).toBe(options.landsOn);
  return admin;
};
