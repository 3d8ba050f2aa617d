// Users on a test host, as an admin and the user themselves would make them: created (and bound)
// through the admin API, activated from the mail in the outbox, logged in to the portal, and
// awaited until every binding is in sync.
import { Secret } from '@takeover/core';
import { adminCall } from './admin.js';
import { eventually } from './eventually.js';
import { call, cookieFrom, type TestHost } from './testHost.js';

type ApiHost = Pick<TestHost, 'url' | 'adminToken'>;

let counter = 0;
/** A fresh address nobody else in the run uses. */
export const freshEmail = (tag: string): string => {
  counter += 1;
  return `${tag}-${String(counter)}-${String(process.pid)}-${Date.now().toString(36)}@example.com`;
};

/**
 * Creates a user with `POST /api/users` (state active, named Test Person unless `body` says
 * otherwise; `directories` binds, `password` sets one) and returns its id. Anything but 201 fails.
 */
export const createUser = async (host: ApiHost, body: Readonly<Record<string, unknown>> & { readonly email: string }): Promise<string> => {
  const res = await adminCall(host, 'POST', '/api/users', { givenName: 'Test', familyName: 'Person', state: 'active', ...body });
  if (res.status !== 201) throw new Error(`creating ${body.email}: expected 201, got ${String(res.status)} ${res.text}`);
  return (res.json as { id: string }).id;
};

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** The outbox's mails to `email` (`GET /demo/mail`), newest first as the route lists them. */
export const mailsTo = async (host: ApiHost, email: string): Promise<Mail[]> =>
  ((await adminCall(host, 'GET', '/demo/mail')).json as { messages: Mail[] }).messages.filter((m) => m.to === email);

/** The token of the first `?token=` link in a mail's text (a mail without one fails). */
export const tokenIn = (text: string): string => {
  const token = /[?&]token=([^\s&"<]+)/.exec(text)?.[1];
  if (token === undefined) throw new Error('no link with a token in the mail');
  return decodeURIComponent(token);
};

/** The activation token from the user's mail in the outbox, once it is there. */
export const activationToken = (host: TestHost, email: string): Promise<string> =>
  eventually(`the activation mail to ${email}`, async () => {
    const mail = ((await host.app.demo?.mail()) ?? []).find((m) => m.to === email && m.text.includes('/portal/activate?token='));
    return mail === undefined ? undefined : tokenIn(mail.text);
  });

/** `session` and `device` are the cookies to send back (`name=value`), empty when none was set. */
export interface Login {
  readonly status: number;
  readonly session: string;
  readonly device: string;
}

/** `POST /portal/api/login`, as the user's browser sends it. */
export const portalLogin = async (
  host: Pick<TestHost, 'url'>,
  email: string,
  password: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Login> => {
  const res = await call(host, 'POST', '/portal/api/login', { body: { email, password }, headers });
  return { status: res.status, session: cookieFrom(res, 'takeover_portal') ?? '', device: cookieFrom(res, 'takeover_device') ?? '' };
};

/** Whether each emulated directory (Google, Microsoft) takes `password` for `email` right now. */
export const directoriesTake = async (host: TestHost, email: string, password: string): Promise<ReadonlyArray<boolean>> => {
  const demo = host.app.demo;
  if (demo === undefined) throw new Error('no demo directories');
  return Promise.all(
    ['google', 'microsoft'].map(async (d) => {
      const r = await demo.verify(d, email, Secret.of(password));
      return r._tag === 'Right' && r.right.matches;
    }),
  );
};

/** Until every binding of the user is in sync (nothing owed, nothing in flight). */
export const inSync = async (host: ApiHost, userId: string): Promise<true> => {
  await eventually(
    `user ${userId} in sync everywhere`,
    async () => ((await adminCall(host, 'GET', `/api/users/${userId}`)).json as { bindings: ReadonlyArray<{ state: string }> }).bindings,
    (bindings) => bindings.length > 0 && bindings.every((b) => b.state === 'in-sync'),
  );
  return true;
};
